"""The worker's side of the social steps: optimise the reel per platform, then announce it.
A post's caption ends with the render's attribution text when its library items ask for one."""

from __future__ import annotations

from typing import Any

from app.content import Script
from app.core.config import settings
from app.core.temp_names import JobFolder
from app.jobs.runtime import JobFailed
from app.jobs.stored_inputs import private_folder
from app.media import RenderFailed
from app.services.workers.platform_reels import caption_for, optimise
from app.services.workflows.runtime import StepRun
from app.storage import get_storage


def _caption_source(content: dict[str, Any], topic: str | None) -> Script | str:
    """The script when one was written (its beats' keywords rank tags), else the topic."""
    if content.get("script"):
        return Script.model_validate(content["script"])
    return topic or str(content.get("title", ""))


def optimise_reel(step: StepRun) -> dict[str, Any]:
    """Re-encode the render for one platform and write its caption and hashtags file."""
    platform, quality = step.params["platform"], step.params.get("quality", "standard")
    content = step.earlier("content").result or {}
    credit = (step.earlier("render").result or {}).get("attribution")
    storage = get_storage()
    with private_folder(JobFolder.OPTIMISE, step.job_id) as workdir:
        source = step.output_of("render", workdir)
        step.progress(0.0, "optimising", force=True)
        try:
            done = optimise(source, workdir / "reel.mp4",
                            platform=platform, quality=quality,
                            on_progress=lambda f, s: step.progress(f, s),
                            should_cancel=step.should_cancel,
                            timeout_s=settings.render.RENDER_TIMEOUT_S)
        except RenderFailed as exc:
            raise JobFailed("optimise_failed", str(exc)[-1000:]) from None
        caption, tags = caption_for(platform, str(content.get("title", "")),
                                    _caption_source(content, step.params.get("topic")),
                                    credit)
        caption_file = workdir / "caption.txt"
        caption_file.write_text(caption + "\n", encoding="utf-8")
        caption_key, reel_key = step.result_key("caption.txt"), step.result_key("reel.mp4")
        storage.put_file(caption_key, caption_file, content_type="text/plain; charset=utf-8")
        storage.put_file(reel_key, done.path, content_type="video/mp4")
    return {"output_key": reel_key, "platform": platform,
            "duration_s": done.duration_s, "width": done.width, "height": done.height,
            "size_bytes": done.size_bytes, "trimmed": done.trimmed,
            "video_kbps_cap": done.video_kbps_cap, "caption": caption, "hashtags": tags,
            "caption_key": caption_key, "attribution": credit}
