"""Admin: the shared library (add an item with its licence, retire one)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, UploadFile, status
from pydantic import ValidationError

from app.api.deps import AdminUser, SessionDep, StorageDep
from app.api.routes.library import library_detail, library_item
from app.core.errors import AppError
from app.schemas.library import (
    LibraryItemDetail,
    Licence,
    RetireAnswer,
    RetireRequest,
    UsageEntry,
    check_tags,
)
from app.services.library import admin as library_admin

router = APIRouter(prefix="/admin/library", tags=["admin", "library"])

_ADMIN: dict[int | str, dict[str, Any]] = {401: {"description": "Missing or invalid credentials"},
          403: {"description": "Admin role required"}}


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _licence(**fields: object) -> Licence:
    try:
        return Licence.model_validate(fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "licence"
        raise AppError("invalid_licence", f"{field}: {error['msg']}", 422,
                       field=field) from None


@router.post("", status_code=status.HTTP_201_CREATED, response_model=LibraryItemDetail,
             summary="Add an item to the shared library: a file (like POST /assets) with its "
                     "title, tags and licence",
             responses={**_ADMIN, 413: {"description": "Above the kind's size cap"},
                        422: {"description": "Not a supported file, or a missing or bad "
                                             "licence field (named)"}})
async def add_library_item(
    admin: AdminUser,
    session: SessionDep,
    storage: StorageDep,
    file: Annotated[UploadFile, File(description="The media file")],
    title: Annotated[str, Form(min_length=1, max_length=200)],
    licence: Annotated[str, Form(min_length=1, max_length=100,
                                 description="SPDX id or name, e.g. CC0-1.0")],
    source: Annotated[str, Form(min_length=1, max_length=300,
                                description="Where the item came from")],
    attribution: Annotated[str, Form(max_length=500, description="Credit text")] = "",
    platforms: Annotated[str, Form(description="Comma-separated platforms it may be "
                                   "published on; empty: all")] = "",
    commercial: Annotated[bool, Form(description="Commercial use allowed")] = True,
    tags: Annotated[str, Form(description="Comma-separated tags")] = "",
    kind: Annotated[Literal["image", "audio", "video"] | None,
                    Form(description="Expected kind; the content must match")] = None,
) -> LibraryItemDetail:
    terms = _licence(licence=licence, source=source, attribution=attribution,
                     platforms=_split(platforms), commercial=commercial)
    try:
        words = check_tags(_split(tags))
    except ValueError as exc:
        raise AppError("invalid_tags", f"tags: {exc}", 422, field="tags") from None
    asset = await library_admin.add_shared(
        session=session, storage=storage, user=admin, upload=file.file, filename=file.filename,
        declared=kind, title=title, tags=words, licence=terms)
    return library_detail(asset)


@router.post("/{asset_id}/retire", response_model=RetireAnswer,
             summary="Retire a shared item (its licence ended): refused for new work, "
                     "queued jobs naming it fail; lists the results it went into",
             responses={**_ADMIN, 404: {"description": "No such shared item"}})
async def retire_library_item(asset_id: uuid.UUID, body: RetireRequest, admin: AdminUser,
                              session: SessionDep) -> RetireAnswer:
    retired = await library_admin.retire(session=session, asset_id=asset_id,
                                         reason=body.reason)
    return RetireAnswer(item=library_item(retired.asset),
                        affected=[UsageEntry.model_validate(u) for u in retired.affected],
                        affected_total=retired.total, affected_users=retired.users)
