"""The worker's side of a video job: fetch the assets, render the timeline, store it."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core.config import settings
from app.core.db import sync_session
from app.media import SpecError, Timeline, render_timeline
from app.media.shorthand import slideshow_timeline
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


def job_timeline(params: dict[str, Any]) -> Timeline:
    """The job's timeline: given in full, or expanded from the slideshow shorthand."""
    if "timeline" in params:
        return Timeline.model_validate(params["timeline"])
    return slideshow_timeline(
        asset_ids=params["asset_ids"], seconds_per_image=params["seconds_per_image"],
        transition=params["transition"], transition_s=params["transition_s"],
        resolution=params["resolution"], fps=params["fps"],
        audio_asset_id=params.get("audio_asset_id"))


def render_video_job(run: JobRun) -> dict[str, Any]:
    """Render the timeline a `video` job describes and store it under a job-scoped key."""
    try:
        timeline = job_timeline(run.params)
    except ValueError as exc:
        raise JobFailed("invalid_timeline", str(exc)) from None
    ids = list(dict.fromkeys(asset for _, asset, _ in timeline.asset_refs()))
    files = dict(zip(ids, _asset_paths(run.user_id, ids), strict=True))
    workdir = settings.temp_dir / f"render-{run.job_id}"
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        output = workdir / "video.mp4"
        run.progress(0.0, "rendering", force=True)
        rendered = render_timeline(
            timeline, files.__getitem__, output,
            on_progress=lambda p: run.progress(p.fraction, p.stage, eta_s=p.eta_s),
            should_cancel=run.should_cancel, timeout_s=settings.RENDER_TIMEOUT_S,
            prefer_gpu=timeline.output.quality == "ultra")
        run.progress(1.0, "storing", force=True)
        key = f"results/{run.user_id}/{run.job_id}/video.mp4"
        get_storage().put_file(key, output)
        return {
            "output_key": key, "duration_s": rendered.duration_s, "width": rendered.width,
            "height": rendered.height, "fps": rendered.fps, "codec": rendered.codec,
            "encoder": rendered.encoder, "gpu": rendered.gpu,
            "size_bytes": rendered.size_bytes, "render_s": round(rendered.wall_s, 3),
        }
    except SpecError as exc:
        raise JobFailed("invalid_timeline", str(exc)) from None
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
