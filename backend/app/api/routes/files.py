"""Signed downloads of stored results, for players that cannot send a bearer token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from app.api import result_files
from app.api.deps import SessionDep, StorageDep
from app.api.object_response import ResultGone, stream_object
from app.core.errors import AppError
from app.core.signing import verify
from app.services.submits import jobs as job_service

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{key:path}", response_class=StreamingResponse, response_model=None,
            summary="A stored result, by signed URL (Range requests supported)",
            responses={200: {"content": {"video/mp4": {}, "audio/wav": {}}},
                       206: {"description": "One byte range of the file"},
                       403: {"description": "The link is invalid or has expired"},
                       410: {"description": "The file is no longer stored (`result_gone`, "
                                            "also recorded on its job)"},
                       416: {"description": "Range not satisfiable"}})
async def read_signed_file(key: str, storage: StorageDep, session: SessionDep, request: Request,
                           exp: Annotated[int, Query()], sig: Annotated[str, Query(max_length=64)]
                           ) -> Response:
    if not key.startswith("results/") or not verify(key, exp, sig):
        raise AppError("invalid_signature", "the link is invalid or has expired", 403,
                       field="sig")
    # streamed from the store through the API: the link stays on this origin for players
    try:
        return await stream_object(storage, key, range_header=request.headers.get("range"),
                                   media_type=result_files.media_type(key))
    except ResultGone:
        if (job_id := result_files.job_of(key)) is not None:
            await job_service.record_result_gone(session, job_id, key)
        raise
