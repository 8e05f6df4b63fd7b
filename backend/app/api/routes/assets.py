"""Uploads: images and audio tracks, sniffed, capped and stored under server keys."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import Response

from app.api.deps import CurrentUser, RedisDep, SessionDep, StorageDep
from app.schemas.asset import AssetRead, DirectUploadCreate, DirectUploadRead
from app.services.assets import direct_uploads
from app.services.assets import library as asset_service
from app.services.previews import asset_thumbnail

router = APIRouter(prefix="/assets", tags=["assets"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AssetRead,
             summary="Upload an image (JPEG/PNG/WebP/GIF), an audio track (WAV/MP3/OGG/FLAC/M4A) "
                     "or a video clip (MP4/MOV/WebM)",
             responses={413: {"description": "Above the kind's cap or the plan's asset bytes"},
                        429: {"description": "The plan's asset count is reached"}})
async def upload_asset(
    file: Annotated[UploadFile, File(description="The media file")],
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    kind: Annotated[Literal["image", "audio", "video"] | None,
                    Form(description="Expected kind; the content must match")] = None,
) -> AssetRead:
    asset = await asset_service.create_asset(
        session=session, storage=storage, user=user, upload=file.file,
        filename=file.filename, declared=kind,
    )
    return AssetRead.model_validate(asset)


@router.post("/uploads", status_code=status.HTTP_201_CREATED, response_model=DirectUploadRead,
             summary="Start a direct upload: a presigned PUT URL on the store",
             responses={413: {"description": "size_bytes above the kind's cap, or more than "
                                             "the plan's asset bytes left"},
                        429: {"description": "The plan's asset count is reached"},
                        501: {"description": "The store has no URLs (local storage)"}})
async def start_direct_upload(body: DirectUploadCreate, user: CurrentUser, session: SessionDep,
                              redis: RedisDep, storage: StorageDep) -> DirectUploadRead:
    return await direct_uploads.start_upload(session=session, redis=redis, storage=storage,
                                             user=user, body=body)


@router.post("/uploads/{upload_id}/complete", status_code=status.HTTP_201_CREATED,
             response_model=AssetRead,
             summary="Complete a direct upload: sniff, check and register the stored file",
             responses={404: {"description": "No such upload of yours (or it expired)"},
                        409: {"description": "Nothing was PUT to the upload URL"},
                        413: {"description": "The stored file is above the cap or the plan's "
                                             "asset bytes (deleted)"},
                        422: {"description": "Not a supported file (deleted)"},
                        429: {"description": "The plan's asset count is reached (deleted)"}})
async def complete_direct_upload(upload_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                                 redis: RedisDep, storage: StorageDep) -> AssetRead:
    asset = await direct_uploads.complete_upload(session=session, redis=redis, storage=storage,
                                                 user=user, upload_id=upload_id)
    return AssetRead.model_validate(asset)


@router.get("", response_model=list[AssetRead], summary="List your assets, newest first")
async def list_assets(
    user: CurrentUser,
    session: SessionDep,
    kind: Literal["image", "audio", "video"] | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[AssetRead]:
    assets = await asset_service.list_assets(session=session, user=user, kind=kind, limit=limit)
    return [AssetRead.model_validate(a) for a in assets]


@router.get("/{asset_id}", response_model=AssetRead, summary="One of your assets")
async def read_asset(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> AssetRead:
    asset = await asset_service.get_asset(session=session, user=user, asset_id=asset_id)
    return AssetRead.model_validate(asset)


@router.get("/{asset_id}/thumbnail", response_class=Response, response_model=None,
            summary="A JPEG thumbnail of one of your images or clips (at most 320 px a side)",
            responses={200: {"content": {"image/jpeg": {}}},
                       404: {"description": "No such asset of yours"},
                       410: {"description": "The stored file is gone"},
                       422: {"description": "An audio asset (`no_thumbnail`)"}})
async def read_asset_thumbnail(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                               storage: StorageDep) -> Response:
    jpeg = await asset_thumbnail(session=session, storage=storage, user=user,
                                 asset_id=asset_id)
    # an asset's file never changes, so a browser may keep its thumbnail (private: per user)
    return Response(jpeg, media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=86400"})


@router.delete("/{asset_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete one of your assets")
async def delete_asset(asset_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                       storage: StorageDep) -> None:
    await asset_service.delete_asset(session=session, storage=storage, user=user,
                                     asset_id=asset_id)
