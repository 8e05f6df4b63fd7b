"""The worker's side of a video job: fetch the assets, render, store the result."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core.config import settings
from app.core.db import sync_session
from app.media import SlideshowSpec, render_slideshow
from app.models import Asset
from app.storage import get_storage
from app.tasks.runtime import JobFailed, JobRun


def _asset_paths(user_id: uuid.UUID, ids: list[str]) -> list[Path]:
    """Local files of the user's assets, in order; a deleted one fails the job for good."""
    wanted = [uuid.UUID(i) for i in ids]
    with sync_session() as session:
        rows = session.scalars(select(Asset).where(Asset.id.in_(wanted),
                                                   Asset.user_id == user_id))
        keys = {a.id: a.storage_key for a in rows}
    storage = get_storage()
    paths = []
    for asset_id in wanted:
        if asset_id not in keys:
            raise JobFailed("asset_missing", f"asset {asset_id} no longer exists")
        try:
            paths.append(storage.local_path(keys[asset_id]))
        except FileNotFoundError:
            raise JobFailed("asset_missing", f"asset {asset_id} has no stored file") from None
    return paths


def render_slideshow_job(run: JobRun) -> dict[str, Any]:
    """Render the slideshow a `video` job describes and store it under a job-scoped key."""
    params = run.params
    images = _asset_paths(run.user_id, params["asset_ids"])
    audio_id = params.get("audio_asset_id")
    audio = _asset_paths(run.user_id, [audio_id])[0] if audio_id else None
    width, height = (int(v) for v in params["resolution"].split("x"))
    spec = SlideshowSpec(
        images=images, seconds_per_image=params["seconds_per_image"],
        transition=params["transition"], transition_s=params["transition_s"],
        width=width, height=height, fps=params["fps"], audio=audio,
        preset=settings.RENDER_PRESET,
    )
    workdir = settings.temp_dir / f"render-{run.job_id}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        output = workdir / "video.mp4"
        run.progress(0.0, "rendering", force=True)
        rendered = render_slideshow(
            spec, output, on_progress=lambda fraction, stage: run.progress(fraction, stage),
            should_cancel=run.should_cancel, timeout_s=settings.RENDER_TIMEOUT_S,
        )
        run.progress(1.0, "storing", force=True)
        key = f"results/{run.user_id}/{run.job_id}/video.mp4"
        get_storage().put_file(key, output)
        return {
            "output_key": key, "duration_s": rendered.duration_s, "width": rendered.width,
            "height": rendered.height, "fps": rendered.fps, "encoder": rendered.encoder,
            "size_bytes": rendered.size_bytes, "render_s": round(rendered.wall_s, 3),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
