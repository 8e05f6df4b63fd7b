"""Previews the editor shows: thumbnails of a user's own assets and transition previews.

A thumbnail is the tagger's stored one when it has run, else made on the spot from the
asset's stored file (Pillow for images, one ffmpeg frame for clips) — an upload is in the
editor's strip seconds after it lands, before the content queue has tagged it. Transition
previews are rendered once per process by the real renderer and kept in memory
(23 kinds × ≈5 KB)."""

from __future__ import annotations

import shutil
import tempfile
import threading
import uuid
from pathlib import Path

from anyio import to_thread
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.media.analysis import clip_thumbnail
from app.media.probe import video_demuxer
from app.media.transition_preview import previewable, render_transition_preview
from app.models import User
from app.services.assets.library import get_asset
from app.storage import Storage

THUMBNAIL_SIDE = 320  # px, the longer side: a strip tile is ≈120 px wide at 2× density
JPEG_QUALITY = 80

_previews: dict[str, bytes] = {}
_preview_lock = threading.Lock()  # one render per kind, even when a picker asks for all


def _shrink(source: Path) -> bytes:
    with Image.open(source) as image:
        image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # JPEG: decode at 1/2..1/8
        small = image.convert("RGB")
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    out = source.with_suffix(".thumb.jpg")
    small.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.read_bytes()


def _make_thumbnail(storage: Storage, key: str, kind: str, duration_s: float) -> bytes:
    folder = Path(tempfile.mkdtemp(prefix=".thumbnail."))
    try:
        source = folder / "source"
        storage.download(key, source)
        if kind == "video":
            frame = clip_thumbnail(source, video_demuxer(source), duration_s,
                                   folder / "frame.jpg")
            return _shrink(frame)
        return _shrink(source)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def asset_thumbnail(*, session: AsyncSession, storage: Storage, user: User,
                          asset_id: uuid.UUID) -> bytes:
    """A JPEG of one of the user's own image or clip assets, at most THUMBNAIL_SIDE px."""
    asset = await get_asset(session=session, user=user, asset_id=asset_id)
    if asset.kind not in ("image", "video"):
        raise AppError("no_thumbnail", f"an {asset.kind} asset has no picture", 422,
                       field="asset_id")
    key = asset.thumbnail_key or asset.storage_key
    kind = "image" if asset.thumbnail_key else asset.kind
    try:
        return await to_thread.run_sync(_make_thumbnail, storage, key, kind,
                                        asset.duration_s or 0.0)
    except FileNotFoundError:
        raise AppError("file_gone", "the asset's stored file is gone", 410,
                       field="asset_id") from None


def _cached_preview(name: str) -> bytes:
    with _preview_lock:
        if name not in _previews:
            _previews[name] = render_transition_preview(name)
        return _previews[name]


async def transition_preview(name: str) -> bytes:
    """The MP4 preview of a transition kind (rendered on first use, then from memory)."""
    if not previewable(name):
        raise NotFound("transition preview", field="name")
    return await to_thread.run_sync(_cached_preview, name)
