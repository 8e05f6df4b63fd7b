"""The asset library: shared music, clips and images plus your own uploads, searchable by
kind, tags, mood, duration, BPM and orientation, with licences, previews and usage."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.api.deps import CurrentUser, SessionDep, StorageDep
from app.api.object_response import ResultGone, object_answer
from app.api.paging import CursorQuery
from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.models import Asset
from app.schemas.library import (
    WORD_OF,
    LibraryItem,
    LibraryItemDetail,
    LibraryKind,
    LibraryPage,
    LibraryUpdate,
    LibraryUrls,
    UsageEntry,
    UsagePage,
)
from app.services.library import items as item_service
from app.services.library.search import LibraryQuery, Scope, search
from app.services.library.usage import usage_of

router = APIRouter(prefix="/library", tags=["library"])

Responses = dict[int | str, dict[str, Any]]
_NOT_YOURS: Responses = {404: {"description": "No such item, or another user's upload"}}
_PREVIEW: Responses = {
    200: {"content": {"image/jpeg": {}, "image/png": {}}},
    404: {"description": "No such item (or another user's), or tagging failed: no preview"},
    409: {"description": "Auto-tagging has not finished yet (`preview_pending`)"},
    410: {"description": "The stored file is gone"}}
Mood = Literal["calm", "energetic", "dark", "bright"]
Orientation = Literal["portrait", "landscape", "square"]


def library_item(asset: Asset) -> LibraryItem:
    """The list view of an asset."""
    return LibraryItem.model_validate({
        **{k: getattr(asset, k) for k in LibraryItem.model_fields if hasattr(asset, k)},
        "kind": WORD_OF[asset.kind], "shared": asset.user_id is None})


def library_detail(asset: Asset) -> LibraryItemDetail:
    """The full view: features and the URLs of the file and its previews."""
    base = f"{settings.app.API_PREFIX}/library/{asset.id}"
    urls = LibraryUrls(file=f"{base}/file",
                       thumbnail=f"{base}/preview" if asset.thumbnail_key else None,
                       waveform=f"{base}/preview" if asset.waveform_key else None)
    return LibraryItemDetail.model_validate({**library_item(asset).model_dump(),
                                             "features": asset.features or {}, "urls": urls})


@router.get("", response_model=LibraryPage, summary="Search the library: shared items and "
            "your own uploads, newest first",
            responses={403: {"description": "include_retired without the admin role"},
                       422: {"description": "A bad filter or cursor (the field is named)"}})
async def list_library(
    user: CurrentUser,
    session: SessionDep,
    kind: Annotated[LibraryKind | None, Query(description="music (audio), clip (video) or "
                                              "image")] = None,
    tag: Annotated[list[str] | None, Query(max_length=16, description="Tags that must all be "
                                           "present (repeat the parameter)")] = None,
    mood: Annotated[Mood | None, Query(description="A mood tag of music")] = None,
    min_duration_s: Annotated[float | None, Query(ge=0)] = None,
    max_duration_s: Annotated[float | None, Query(ge=0)] = None,
    min_bpm: Annotated[float | None, Query(ge=0, le=400)] = None,
    max_bpm: Annotated[float | None, Query(ge=0, le=400)] = None,
    orientation: Orientation | None = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100,
                                   description="Text in the title, file name or tags")] = None,
    scope: Annotated[Scope, Query(description="shared items, your own uploads, or both")
                     ] = "all",
    include_retired: Annotated[bool, Query(description="Admins: list retired items too")
                               ] = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> LibraryPage:
    query = LibraryQuery(
        kind=kind, tags=[t.strip().lower() for t in tag or [] if t.strip()], mood=mood,
        min_duration_s=min_duration_s, max_duration_s=max_duration_s, min_bpm=min_bpm,
        max_bpm=max_bpm, orientation=orientation, text=q, scope=scope,
        include_retired=include_retired)
    found, next_cursor = await search(session=session, user=user, q=query, limit=limit,
                                      cursor=cursor)
    return LibraryPage(items=[library_item(a) for a in found], next_cursor=next_cursor)


@router.get("/{asset_id}", response_model=LibraryItemDetail,
            summary="One item: licence, measured features, tags and preview URLs",
            responses=_NOT_YOURS)
async def read_item(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep
                    ) -> LibraryItemDetail:
    return library_detail(await item_service.get_item(session=session, user=user,
                                                      asset_id=asset_id))


@router.patch("/{asset_id}", response_model=LibraryItemDetail,
              summary="Change the title, tags or licence of your item (admins: shared items)",
              responses={**_NOT_YOURS, 403: {"description": "A shared item, and you are no "
                                                            "admin"},
                         422: {"description": "A bad field (named), or a shared item's "
                                              "licence removed"}})
async def update_item(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                      body: LibraryUpdate | None = None) -> LibraryItemDetail:
    # No body changes nothing (and still answers 404 for another user's upload).
    asset = await item_service.update_item(session=session, user=user, asset_id=asset_id,
                                           change=body or LibraryUpdate())
    return library_detail(asset)


@router.get("/{asset_id}/usage", response_model=UsagePage,
            summary="Where the item went: jobs, workflows and result keys, newest first "
                    "(a shared item: your own usage; admins: everyone's)",
            responses={**_NOT_YOURS, 422: {"description": "A bad cursor"}})
async def read_usage(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                     limit: Annotated[int, Query(ge=1, le=200)] = 50,
                     cursor: CursorQuery = None) -> UsagePage:
    asset = await item_service.get_item(session=session, user=user, asset_id=asset_id)
    rows, next_cursor = await usage_of(session=session, user=user, asset=asset, limit=limit,
                                       cursor=cursor)
    return UsagePage(asset_id=asset.id, items=[UsageEntry.model_validate(r) for r in rows],
                     next_cursor=next_cursor)


async def _serve(storage: StorageDep, request: Request, key: str, media_type: str,
                 filename: str, redirect: bool = True) -> Response:
    try:
        return await object_answer(storage, key, range_header=request.headers.get("range"),
                                   media_type=media_type, filename=filename, redirect=redirect)
    except ResultGone:  # its wording speaks of results and resubmitting
        raise AppError("file_gone", "the item's stored file is gone", 410,
                       field="asset_id") from None


@router.get("/{asset_id}/file", response_model=None, summary="The item's file (a redirect "
            "to the store or a ranged stream)",
            responses={**_NOT_YOURS, 200: {"content": {"audio/mp4": {}, "video/mp4": {},
                                                       "image/jpeg": {}}},
                       307: {"description": "Redirect to a presigned URL on the store"},
                       410: {"description": "The stored file is gone"}})
async def read_file(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                    storage: StorageDep, request: Request) -> Response:
    asset = await item_service.get_item(session=session, user=user, asset_id=asset_id)
    return await _serve(storage, request, asset.storage_key, asset.content_type,
                        asset.filename)


@router.get("/{asset_id}/preview", response_model=None,
            summary="The item's preview, made once by the tagger: a thumbnail JPEG (clips: "
                    "a middle frame; images) or a waveform PNG (music)",
            responses=_PREVIEW)
async def read_preview(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                       storage: StorageDep, request: Request) -> Response:
    asset = await item_service.get_item(session=session, user=user, asset_id=asset_id)
    key = asset.waveform_key or asset.thumbnail_key
    if key is None:
        if asset.tag_state == "pending":
            raise AppError("preview_pending", "the preview is made by auto-tagging, which "
                           "has not finished; ask again shortly", 409, field="asset_id")
        raise NotFound("preview", field="asset_id")
    media_type = "image/png" if key.endswith(".png") else "image/jpeg"
    # streamed, never redirected: the editor fetches previews with its token (a few KB each)
    return await _serve(storage, request, key, media_type,
                        f"{asset.id}-{key.rsplit('/', 1)[-1]}", redirect=False)
