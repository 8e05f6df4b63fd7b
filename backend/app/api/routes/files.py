"""Signed downloads of stored results, for players that cannot send a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from app.api import result_files
from app.api.deps import StorageDep
from app.core.errors import AppError
from app.core.signing import verify

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{key:path}", response_class=FileResponse, summary="A stored result, by signed URL")
async def read_signed_file(key: str, storage: StorageDep,
                           exp: Annotated[int, Query()], sig: Annotated[str, Query(max_length=64)]
                           ) -> FileResponse:
    if not key.startswith("results/") or not verify(key, exp, sig):
        raise AppError("invalid_signature", "the link is invalid or has expired", 403,
                       field="sig")
    try:
        path = storage.local_path(key)
    except (FileNotFoundError, ValueError):
        raise AppError("not_found", "file not found", 404) from None
    return FileResponse(path, media_type=result_files.media_type(key))
