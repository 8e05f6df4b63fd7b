"""A workflow's render step: script segments, voice-over and word timings to one timeline,
in the look of the workflow's brand kit."""

from __future__ import annotations

from typing import Any

from app.core.config import settings
from app.core.temp_names import JobFolder
from app.jobs.runtime import JobFailed
from app.jobs.stored_inputs import fetch_assets, private_folder
from app.media import RenderFailed, RenderProgress, SpecError, render_timeline
from app.media.timeline import (
    Audio,
    CardScene,
    ImageScene,
    Motion,
    Output,
    Timeline,
    Transition,
    Voice,
    Word,
)
from app.services.assets.usage import record_usage, uses_of
from app.services.workers import reel_brand as brand
from app.services.workers.reel_timing import scene_seconds
from app.services.workflows.runtime import StepRun
from app.storage import get_storage

VOICE_ASSET = "voice"
TAIL_S = 0.6  # the picture holds this long after the last word
TRANSITION_S = {"draft": 0.25, "standard": 0.4, "high": 0.5}
FPS = {"draft": 24, "standard": 30, "high": 30}
MOTIONS = ("zoom_in", "pan_left", "zoom_out", "pan_right")
# Card backgrounds, dark enough for white text at WCAG contrast 4.5:1.
GRADIENTS = (("#1B2A49", "#3E5C8A"), ("#3B1F47", "#7A3E6E"), ("#12403C", "#2F7D6D"),
             ("#4A2511", "#8C4A1E"), ("#2B2B2B", "#5A5A5A"))


def _shifted(words: list[Any], by_s: float) -> list[Word]:
    return [Word(text=w[:100], start_s=s + by_s, end_s=max(e, s + 0.01) + by_s)
            for w, s, e in words]


def build_timeline(segments: list[dict[str, str]], voice: dict[str, Any],
                   params: dict[str, Any]) -> Timeline:
    """Cards (or the user's images) per segment, timed to the voice, with captions; the
    brand kit's look, watermark and music, and its intro and outro cards around them.

    Every scene followed by another lasts one transition longer (the cross-fade takes it
    back), so the intro shows alone for its `duration_s`, the narration starts, voice
    and captions with it, when the intro has gone, and each card adds exactly its own
    length to the reel."""
    kit = brand.brand_kit(params)
    quality = params.get("quality", "standard")
    transition = TRANSITION_S[quality] if params.get("transition", "fade") != "none" else 0.0
    intro_s = kit.intro.duration_s if kit.intro else 0.0
    outro_s = kit.outro.duration_s if kit.outro else 0.0
    spoken_s = voice["duration_s"] + TAIL_S
    seconds = scene_seconds([s["text"] for s in segments], voice["words"], spoken_s,
                            transition)
    images = params.get("image_asset_ids") or []
    scenes: list[CardScene | ImageScene] = []
    if kit.intro:
        scenes.append(brand.bookend(kit, kit.intro, intro_s + transition, GRADIENTS[0]))
    for i, (segment, length) in enumerate(zip(segments, seconds, strict=True)):
        if images:
            scenes.append(ImageScene(asset=images[i % len(images)], duration_s=length,
                                     motion=Motion(kind=MOTIONS[i % len(MOTIONS)])))
        else:
            gradient = brand.card_gradient(kit, GRADIENTS[i % len(GRADIENTS)])
            scenes.append(CardScene(duration_s=length, gradient=gradient,
                                    text=brand.card_text(kit, segment["card"])))
    if kit.outro:
        scenes.append(brand.bookend(kit, kit.outro, outro_s + transition, GRADIENTS[-1]))
    words = _shifted(voice["words"], intro_s)
    return Timeline(
        scenes=scenes,
        transition=Transition(kind=params.get("transition", "fade") if transition else "none",
                              duration_s=transition),
        audio=Audio(voice=Voice(asset=VOICE_ASSET, start_s=intro_s), music=brand.music(kit)),
        captions=brand.captions(kit, params.get("captions", "karaoke"), words),
        watermark=brand.watermark(kit),
        output=Output(preset=params["platform"], quality=quality, fps=FPS[quality],
                      duration_s=round(intro_s + spoken_s + outro_s, 3)))


def render_reel(step: StepRun) -> dict[str, Any]:
    """Render the reel of a workflow, store it under a job-scoped key and record the
    assets it used."""
    segments = step.earlier("content").result["segments"]  # type: ignore[index]
    voice = step.earlier("voice")
    assert voice.result is not None
    try:
        timeline = build_timeline(segments, voice.result, step.params)
    except (SpecError, ValueError) as exc:
        raise JobFailed("invalid_timeline", str(exc)) from None
    ids = [a for _, a, _ in timeline.asset_refs() if a != VOICE_ASSET]
    with private_folder(JobFolder.REEL, step.job_id) as workdir:
        files = fetch_assets(step.user_id, list(dict.fromkeys(ids)), workdir / "inputs")
        files[VOICE_ASSET] = step.output_of("voice", workdir)
        output = workdir / "reel.mp4"
        step.progress(0.0, "rendering", force=True)
        try:
            done = render_timeline(
                timeline, files.__getitem__, output,
                on_progress=lambda p: _report(step, p), should_cancel=step.should_cancel,
                timeout_s=settings.render.RENDER_TIMEOUT_S)
        except SpecError as exc:
            raise JobFailed("invalid_timeline", str(exc)) from None
        except RenderFailed as exc:
            raise JobFailed("render_failed", str(exc)[-1000:]) from None
        step.progress(1.0, "storing", force=True)
        key = step.result_key("reel.mp4")
        get_storage().put_file(key, output, content_type="video/mp4")
    attribution = record_usage(step.run, workflow_id=step.workflow_id, output_key=key,
                               uses=uses_of(timeline))
    return {"output_key": key, "duration_s": done.duration_s, "width": done.width,
            "height": done.height, "fps": done.fps, "encoder": done.encoder,
            "size_bytes": done.size_bytes, "render_s": round(done.wall_s, 3),
            "captions": timeline.captions.style if timeline.captions else "none",
            "scenes": len(timeline.scenes), "preset": step.params["platform"],
            "attribution": attribution}


def _report(step: StepRun, progress: RenderProgress) -> None:
    step.progress(progress.fraction, progress.stage)
