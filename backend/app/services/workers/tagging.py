"""The worker's side of auto-tagging: measure one asset, store its thumbnail or waveform
once, and write its tags, features and `tag_state`.

Repeating it is harmless: a `done` asset is skipped, previews go to fixed keys of the
asset's own (`previews/{asset}/…`), and the measured tags replace the measured tags of an
earlier run while the uploader's own words stay.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from app.core.db import sync_session
from app.core.temp_names import JobFolder
from app.jobs.stored_inputs import private_folder
from app.media import RenderError
from app.media.analysis import (
    analyse_clip,
    analyse_image,
    analyse_music,
    clip_thumbnail,
    image_thumbnail,
    music_tags,
    visual_tags,
    waveform_png,
)
from app.media.probe import audio_demuxer, video_demuxer
from app.models import Asset
from app.storage import get_storage

log = logging.getLogger(__name__)

# Words the tagger writes: the prefixes of its tags and its bare words. An earlier run's
# measured tags are dropped before the new ones are added; everything else is the user's.
MEASURED_PREFIXES = ("mood:", "bpm:", "tempo:", "motion:", "colour:")
MEASURED_WORDS = frozenset({"music", "portrait", "landscape", "square", "motion", "still",
                            "cuts"})


def preview_key(asset_id: uuid.UUID, name: str) -> str:
    """Where an asset's thumbnail or waveform is kept (beside no user's uploads)."""
    return f"previews/{asset_id}/{name}"


def is_measured(tag: str) -> bool:
    return tag in MEASURED_WORDS or tag.startswith(MEASURED_PREFIXES)


def _measure(asset: Asset, source: Path, folder: Path) -> tuple[list[str], dict[str, Any],
                                                                 dict[str, Path]]:
    """Tags, features and preview files (by column name) of one downloaded asset."""
    if asset.kind == "audio":
        demuxer = audio_demuxer(source)
        music = analyse_music(source, demuxer)
        wave = waveform_png(source, demuxer, folder / "waveform.png")
        return music_tags(music), asdict(music), {"waveform_key": wave}
    if asset.kind == "video":
        demuxer = video_demuxer(source)
        clip = analyse_clip(source, demuxer, width=asset.width or 0, height=asset.height or 0)
        thumb = clip_thumbnail(source, demuxer, asset.duration_s or 0.0,
                               folder / "thumbnail.jpg")
        return visual_tags(clip, moving=True), asdict(clip), {"thumbnail_key": thumb}
    image = analyse_image(source)
    thumb = image_thumbnail(source, folder / "thumbnail.jpg")
    return visual_tags(image, moving=False), asdict(image), {"thumbnail_key": thumb}


def tag_asset(asset_id: uuid.UUID) -> str:
    """Tag one asset; the outcome's name ("done", "failed", "skipped", "missing")."""
    with sync_session() as session:
        asset = session.scalar(select(Asset).where(Asset.id == asset_id))
        if asset is not None:
            session.expunge(asset)
    if asset is None:
        return "missing"  # deleted before its turn
    if asset.tag_state == "done":
        return "skipped"
    storage = get_storage()
    with private_folder(JobFolder.TAG, asset_id) as folder:
        source = folder / asset.storage_key.rsplit("/", 1)[-1]
        try:
            storage.download(asset.storage_key, source)
        except FileNotFoundError:
            return "missing"
        try:
            tags, features, previews = _measure(asset, source, folder)
        except (RenderError, ValueError, OSError) as exc:
            # the file passed the upload checks yet cannot be measured: say so on the row
            log.warning("library.tag.failed", extra={"asset_id": str(asset_id),
                                                       "error": str(exc)})
            _write(asset_id, tag_state="failed",
                   features={"error": f"{type(exc).__name__}: {exc}"[:500]})
            return "failed"
        keys: dict[str, str] = {}
        for column, path in previews.items():
            key = preview_key(asset_id, path.name)
            storage.put_file(key, path, content_type="image/png" if path.suffix == ".png"
                             else "image/jpeg")
            keys[column] = key
    if not _finish(asset_id, tags, features, keys):
        for key in keys.values():  # deleted while it was measured: keep nothing of it
            storage.delete(key)
        return "missing"
    log.info("library.tag.done", extra={"asset_id": str(asset_id), "tags": tags})
    return "done"


def _finish(asset_id: uuid.UUID, tags: list[str], features: dict[str, Any],
            keys: dict[str, str]) -> bool:
    """Write the outcome onto the row as it is now (tags the owner changed meanwhile are
    kept: the row is locked, read and merged); False if the asset is gone."""
    with sync_session() as session:
        current = session.scalar(select(Asset.tags).where(Asset.id == asset_id)
                                 .with_for_update())
        if current is None:
            return False
        kept = [t for t in current if not is_measured(t)]
        session.execute(update(Asset).where(Asset.id == asset_id).values(
            tag_state="done", tags=kept + [t for t in tags if t not in kept],
            features=features, **keys))
        session.commit()
    return True


def _write(asset_id: uuid.UUID, **values: Any) -> None:
    with sync_session() as session:
        session.execute(update(Asset).where(Asset.id == asset_id).values(**values))
        session.commit()
