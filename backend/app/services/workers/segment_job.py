"""One segment of a chunked render as a job of its own (kind `segment`): the parent render
writes everything the segment needs into its parameters (its slice of the plan, the
captions it shows, the encoder options), the segment job fetches only its scenes' assets,
renders, and stores the encoded part in the owner's segment cache under its content hash.

A segment job is retried, fenced and cancelled like every job; storing the part under its
content hash makes a second attempt, or a duplicate, write the same object.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from app.core.config import settings
from app.core.temp_names import JobFolder
from app.jobs.runtime import JobFailed, JobRun
from app.jobs.stored_inputs import fetch_assets, private_folder
from app.media import SpecError, Timeline
from app.media import compile as build
from app.media.chunked import render_segment
from app.media.plan import Plan, ScenePlan
from app.media.presets import frame_for
from app.media.segment_keys import caption_excerpt
from app.media.segments import Segment
from app.media.watermark import prepare_logo
from app.storage import get_storage


def cache_key(user_id: uuid.UUID | str, key: str) -> str:
    """Where the owner's encoded segment with content hash `key` is kept."""
    return f"cache/segments/{user_id}/{key}.mp4"


def segment_params(*, parent_id: uuid.UUID, timeline: dict[str, Any], plan: Plan,
                   seg: Segment, key: str, files: build.Workfiles,
                   encoder: list[str]) -> dict[str, Any]:
    """A segment job's parameters: everything its render needs but the asset files."""
    scenes = plan.scenes[seg.first:seg.last + 1]
    fps = plan.fps
    return {
        "parent_id": str(parent_id), "index": seg.index, "key": key,
        "timeline": timeline, "scenes": [seg.first, seg.last],
        "frames": [sp.frames for sp in scenes], "source_s": [sp.source_s for sp in scenes],
        "transitions": [list(t) for t in plan.transitions[seg.first:seg.last]],
        "start": seg.start, "end": seg.end, "lead": seg.lead,
        "captions": caption_excerpt(files.captions, seg.start / fps, seg.end / fps),
        "encoder": encoder,
    }


def _plan(params: dict[str, Any], timeline: Timeline, files: dict[str, Path]) -> Plan:
    first, last = params["scenes"]
    scenes = timeline.scenes[first:last + 1]
    out = timeline.output
    return Plan(
        timeline=timeline, frame=frame_for(out.preset, out.quality), fps=out.fps,
        scenes=tuple(ScenePlan(k, scene, frames, files.get(getattr(scene, "asset", "")),
                               source_s)
                     for k, (scene, frames, source_s) in enumerate(zip(
                         scenes, params["frames"], params["source_s"], strict=True))),
        transitions=tuple((str(kind), int(n)) for kind, n in params["transitions"]),
        voice=None, voice_s=0.0, music=None,
        watermark=files.get(timeline.watermark.asset) if timeline.watermark else None)


def render_segment_job(run: JobRun) -> dict[str, Any]:
    """Render one segment and keep it in the owner's segment cache."""
    params = run.params
    timeline = Timeline.model_validate(params["timeline"])
    first, last = params["scenes"]
    ids = [a for s in timeline.scenes[first:last + 1] if (a := getattr(s, "asset", None))]
    if timeline.watermark is not None:
        ids.append(timeline.watermark.asset)
    with private_folder(JobFolder.SEGMENT, run.job_id) as workdir:
        files = fetch_assets(run.user_id, list(dict.fromkeys(ids)), workdir / "inputs")
        plan = _plan(params, timeline, files)
        seg = Segment(params["index"], params["start"], params["end"], 0,
                      len(plan.scenes) - 1, params["lead"])
        captions = None
        if params["captions"]:
            captions = workdir / "captions.ass"
            captions.write_text(params["captions"], encoding="utf-8")
        logo = None
        if timeline.watermark is not None and plan.watermark is not None:
            logo = prepare_logo(plan.watermark, timeline.watermark, plan.frame,
                                workdir / "watermark.png")
        part = workdir / "part.mp4"
        try:
            render_segment(plan, seg, build.Workfiles(workdir, None, captions, None, logo),
                           part, args=params["encoder"],
                           on_progress=lambda f: run.progress(f, "segment"),
                           should_cancel=run.should_cancel,
                           timeout_s=settings.render.RENDER_TIMEOUT_S)
        except SpecError as exc:
            raise JobFailed("invalid_timeline", str(exc)) from None
        get_storage().put_file(cache_key(run.user_id, params["key"]), part,
                               content_type="video/mp4")
    return {"segment": params["index"], "frames": seg.frames, "key": params["key"]}
