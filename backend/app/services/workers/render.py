"""The worker's side of a video job: fetch the assets, render the timeline, store it,
record the assets it used."""

from __future__ import annotations

from typing import Any

from app.core.config import settings
from app.core.temp_names import JobFolder
from app.jobs.runtime import JobFailed, JobRun
from app.jobs.stored_inputs import fetch_assets, private_folder, result_key
from app.media import SpecError, Timeline, render_timeline
from app.media.plan import make_plan
from app.media.shorthand import slideshow_timeline
from app.services.assets.usage import record_usage, uses_of
from app.services.workers.chunked_render import SegmentCounts, plan_segments, render_in_segments
from app.storage import get_storage


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
    with private_folder(JobFolder.RENDER, run.job_id) as workdir:
        files = fetch_assets(run.user_id, ids, workdir / "inputs")
        output = workdir / "video.mp4"
        run.progress(0.0, "rendering", force=True)
        counts = None
        try:
            plan = make_plan(timeline, files.__getitem__)
            segments = plan_segments(plan)
            if len(segments) > 1:
                counts, rendered = render_in_segments(run, timeline, plan, segments, workdir,
                                                      output)
            else:
                rendered = render_timeline(
                    timeline, files.__getitem__, output,
                    on_progress=lambda p: run.progress(p.fraction, p.stage, eta_s=p.eta_s),
                    should_cancel=run.should_cancel,
                    timeout_s=settings.render.RENDER_TIMEOUT_S,
                    prefer_gpu=timeline.output.quality == "ultra")
        except SpecError as exc:
            raise JobFailed("invalid_timeline", str(exc)) from None
        run.progress(1.0, "storing", force=True)
        key = result_key(run.user_id, run.job_id, run.attempt, "video.mp4")
        get_storage().put_file(key, output, content_type="video/mp4")
    attribution = record_usage(run, workflow_id=None, output_key=key, uses=uses_of(timeline))
    return {
        "output_key": key, "duration_s": rendered.duration_s, "width": rendered.width,
        "height": rendered.height, "fps": rendered.fps, "codec": rendered.codec,
        "encoder": rendered.encoder, "gpu": rendered.gpu,
        "size_bytes": rendered.size_bytes, "render_s": round(rendered.wall_s, 3),
        "segments": (counts or SegmentCounts(1, 1, 0)).as_dict(),
        "attribution": attribution,
    }
