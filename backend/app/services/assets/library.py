"""Assets: store an upload under a server-generated key, list and fetch a user's own, and
resolve the ids a submit names (the caller's own or shared library items, never retired)."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import BinaryIO, NamedTuple

from anyio import CapacityLimiter, to_thread
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.core.temp_names import UPLOAD_FOLDER
from app.core.transaction import after_commit, after_rollback
from app.media.probe import sniff
from app.models import Asset, User
from app.services.assets import quota
from app.services.assets.checks import (
    Checked,
    check_audio,
    check_video,
    container_kind,
    normalise_image,
)
from app.services.assets.tagging import tag_after_commit
from app.storage import Storage

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def cap_for(kind: str) -> int:
    """The size cap of an upload of `kind`."""
    uploads = settings.uploads
    return {"image": uploads.MAX_IMAGE_BYTES, "video": uploads.MAX_VIDEO_BYTES}.get(
        kind, uploads.MAX_AUDIO_BYTES)


# Image decodes at once in this process (IMAGE_DECODE_CONCURRENCY): decoding costs memory
# by pixels, not bytes, so a burst of small, pixel-heavy files must queue. Made on first
# use, inside the event loop; waiting uploads hold no thread.
_decode_slots: CapacityLimiter | None = None


def _decode_limiter() -> CapacityLimiter:
    global _decode_slots
    if _decode_slots is None:
        _decode_slots = CapacityLimiter(settings.uploads.IMAGE_DECODE_CONCURRENCY)
    return _decode_slots


def _receive(upload: BinaryIO, declared: str | None, work: Path) -> tuple[str, str, Path]:
    """Sniff the upload and copy it to disk with a size cap; returns kind, format, file."""
    found = sniff(upload)  # the window renders use too; leaves the upload at its start
    if found is None:
        expected = declared or "image, audio or video"
        raise AppError("unsupported_media", f"file: not a supported {expected} file", 422,
                       field="file")
    kind, fmt = found
    if fmt == "m4a" and declared == "video":
        kind = "video"  # MP4 and MOV hold audio or video; check_video looks for a video stream
    if declared and declared != kind:
        raise AppError("kind_mismatch", f"file: declared {declared} but the content is {kind}",
                       422, field="file")
    raw = work / "upload"
    cap = cap_for(kind)
    with raw.open("wb") as out:
        copied = _copy_capped(upload, out, cap)
    if copied > cap:
        raise AppError("file_too_large", f"file: larger than {cap} bytes", 413, field="file")
    return kind, fmt, raw


async def _inspect(upload: BinaryIO, declared: str | None, work: Path) -> tuple[Checked, Path]:
    """Receive the upload, then check it (images on a decode slot); returns the file."""
    kind, fmt, raw = await to_thread.run_sync(_receive, upload, declared, work)
    if kind == "image":
        dest = work / "image.jpg"
        checked = await to_thread.run_sync(
            lambda: normalise_image(raw, dest, max_pixels=settings.uploads.MAX_IMAGE_PIXELS),
            limiter=_decode_limiter())
        return checked, dest
    if kind == "audio" and fmt == "m4a" and declared is None:
        kind = await to_thread.run_sync(container_kind, raw, declared)
    if kind == "video":
        uploads = settings.uploads
        return await to_thread.run_sync(
            lambda: check_video(raw, fmt, max_duration_s=uploads.MAX_VIDEO_DURATION_S,
                                max_pixels=uploads.MAX_VIDEO_PIXELS)), raw
    return await to_thread.run_sync(
        lambda: check_audio(raw, fmt, max_duration_s=settings.uploads.MAX_AUDIO_DURATION_S)), raw


def _copy_capped(source: BinaryIO, out: BinaryIO, budget: int) -> int:
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > budget:
            return copied
        out.write(chunk)
    return copied


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


async def create_asset(*, session: AsyncSession, storage: Storage, user: User,
                       upload: BinaryIO, filename: str | None, declared: str | None,
                       shared: bool = False) -> Asset:
    """Validate and store one upload (the user's own, or with `shared` an item of the shared
    library, outside every plan's quota); nothing stays behind if any step fails. Its
    tagging message leaves once the row has committed."""
    settings.app.temp_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=UPLOAD_FOLDER, dir=settings.app.temp_dir))
    try:
        checked, path = await _inspect(upload, declared, work)
        asset_id = uuid.uuid4()
        key = (f"library/{asset_id}.{checked.extension}" if shared
               else f"assets/{user.id}/{asset_id}.{checked.extension}")
        sha = await to_thread.run_sync(_sha256, path)
        if not shared:  # checked before the store write; its lock holds until commit
            await quota.check_room(session=session, user=user, adding=path.stat().st_size)
        await to_thread.run_sync(lambda: storage.put_file(key, path,
                                                          content_type=checked.content_type))
        after_rollback(session, lambda: to_thread.run_sync(storage.delete, key))
        asset = Asset(
            id=asset_id, user_id=None if shared else user.id, kind=checked.kind,
            content_type=checked.content_type,
            filename=_SAFE_NAME.sub("_", filename or "upload")[:255], storage_key=key,
            size_bytes=path.stat().st_size, sha256=sha, width=checked.width,
            height=checked.height, duration_s=checked.duration_s, tags=[], features={},
            tag_state="pending",
        )
        session.add(asset)
        await session.flush()
        tag_after_commit(session, asset_id)
        return asset
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def get_asset(*, session: AsyncSession, user: User, asset_id: uuid.UUID,
                    field: str = "asset_id") -> Asset:
    """The user's own asset; another user's reads as not found."""
    asset = await session.get(Asset, asset_id)
    if asset is None or asset.user_id != user.id:
        raise NotFound("asset", field=field)
    return asset


def usable_by(user_id: uuid.UUID) -> ColumnElement[bool]:
    """Assets a user may name in a submit: their own and the shared library's."""
    return or_(Asset.user_id == user_id, Asset.user_id.is_(None))


class Usable(NamedTuple):
    """What a submit's check needs of an asset it names."""

    kind: str
    retired: bool


def retired_error(asset_id: uuid.UUID, where: str) -> AppError:
    """A submit naming a retired library item: 422 naming its field."""
    return AppError("asset_retired", f"{where}: library item {asset_id} is retired and can "
                    "no longer be used in new work", 422, field=where)


async def owned_assets(*, session: AsyncSession, user: User, ids: list[uuid.UUID],
                       kind: str, field: str, indexed: bool = True) -> list[Asset]:
    """Resolve ids in order (the user's own or shared items); the first unknown, foreign,
    retired or wrong-kind id names its field."""
    rows = await session.scalars(select(Asset).where(Asset.id.in_(ids), usable_by(user.id)))
    found = {a.id: a for a in rows}
    result = []
    for index, asset_id in enumerate(ids):
        asset = found.get(asset_id)
        where = f"{field}.{index}" if indexed else field
        if asset is None:
            raise NotFound(f"asset {asset_id}", field=where)
        if asset.retired_at is not None:
            raise retired_error(asset_id, where)
        if asset.kind != kind:
            raise AppError("wrong_asset_kind", f"{where}: asset {asset_id} is not {kind}", 422,
                           field=where)
        result.append(asset)
    return result


async def owned_kinds(*, session: AsyncSession, user: User, ids: list[uuid.UUID]
                      ) -> dict[uuid.UUID, Usable]:
    """Kind and retirement of each of `ids` the user may use (their own or shared items);
    others are absent."""
    rows = await session.execute(select(Asset.id, Asset.kind, Asset.retired_at).where(
        Asset.id.in_(ids), usable_by(user.id)))
    return {row.id: Usable(row.kind, row.retired_at is not None) for row in rows}


async def list_assets(*, session: AsyncSession, user: User, kind: str | None,
                      limit: int) -> list[Asset]:
    query = select(Asset).where(Asset.user_id == user.id)
    if kind:
        query = query.where(Asset.kind == kind)
    return list(await session.scalars(query.order_by(Asset.created_at.desc()).limit(limit)))


async def delete_asset(*, session: AsyncSession, storage: Storage, user: User,
                       asset_id: uuid.UUID) -> None:
    """Remove the row now and the stored file once the deletion has committed."""
    asset = await get_asset(session=session, user=user, asset_id=asset_id)
    keys = [k for k in (asset.storage_key, asset.thumbnail_key, asset.waveform_key) if k]
    await session.delete(asset)
    await session.flush()

    def remove() -> None:
        for key in keys:
            storage.delete(key)

    after_commit(session, lambda: to_thread.run_sync(remove))
