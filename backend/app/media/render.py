"""Render a timeline to an MP4 (or a contact sheet): plan, prepare, measure, encode."""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from app.media import compile as build
from app.media.audio import parse_loudness
from app.media.captions import caption_words, write_ass
from app.media.encoders import choose_encoder, output_args
from app.media.ffmpeg import CancelFn, run_graph
from app.media.fonts import pillow_font
from app.media.plan import Plan, make_plan
from app.media.probe import probe
from app.media.progress import ProgressCallback, Stages
from app.media.scenes import write_stills
from app.media.timeline import AssetResolver, Timeline
from app.media.watermark import prepare_logo

LOUDNESS_LOG_LINES = 80


@dataclass(frozen=True)
class TimelineResult:
    """Facts about a finished render, read back from the output file."""

    duration_s: float
    width: int
    height: int
    fps: float
    codec: str
    encoder: str
    gpu: bool
    size_bytes: int
    wall_s: float
    has_audio: bool


def _stages(plan: Plan, callback: ProgressCallback | None) -> Stages:
    stills = sum(1 for s in plan.scenes if s.scene.kind != "video")
    # Rough shares of wall time measured at 1080p: a still ~0.05 s to prepare, the
    # soundtrack pass ~2 % of the render.
    weights = [("prepare", 0.05 * stills / max(plan.total_s, 1) + 0.001)]
    if plan.timeline.audio is not None:
        weights.append(("soundtrack", 0.02))
    weights.append(("render", 1.0))
    return Stages(weights, callback)


def prepare_files(plan: Plan, folder: Path, *, stills: bool = True) -> build.Workfiles:
    """The files a render writes before ffmpeg: stills (unless a segment writes its own),
    captions, the logo, and where the soundtrack goes."""
    return _prepare(plan, folder, Stages([("prepare", 1)], None), captions=True,
                    soundtrack=True, with_stills=stills)


def _prepare(plan: Plan, folder: Path, stages: Stages, *, captions: bool,
             soundtrack: bool, with_stills: bool = True) -> build.Workfiles:
    stills_n = sum(1 for s in plan.scenes if s.scene.kind != "video") if with_stills else 0
    stills = folder / "stills.ppm" if stills_n else None
    if stills is not None:
        write_stills(plan, stills, lambda k: stages.report("prepare", k / stills_n))
        _trim_heap()
    ass = None
    tl = plan.timeline
    if tl.captions is not None and captions:
        start = tl.audio.voice.start_s if tl.audio and tl.audio.voice else 0.0
        words = caption_words(tl.captions, start, plan.voice_s, plan.total_s)
        ass = folder / "captions.ass"
        write_ass(tl.captions, words, plan.frame, ass, plan.total_s)
    logo = None
    if tl.watermark is not None and plan.watermark is not None:
        logo = prepare_logo(plan.watermark, tl.watermark, plan.frame, folder / "watermark.png")
    stages.report("prepare", 1.0)
    wav = folder / "soundtrack.wav" if tl.audio is not None and soundtrack else None
    return build.Workfiles(folder, stills, ass, wav, logo)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    path = ctypes.util.find_library("c")
    try:
        trim: Callable[[int], int] = ctypes.CDLL(path).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None
    return trim


def _trim_heap() -> None:
    """Give the decoded photos' freed memory back to the system before ffmpeg starts.

    glibc keeps freed heap pages; after Pillow has fitted 10 photos at 1080p that is
    ~8 MB this process would otherwise hold for the whole render (measured)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def render_timeline(
    timeline: Timeline,
    resolver: AssetResolver,
    output: Path,
    *,
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelFn | None = None,
    timeout_s: float = 1800,
    prefer_gpu: bool = False,
) -> TimelineResult:
    """Check every asset, then render `timeline` to `output` (MP4) in two ffmpeg passes.

    `timeout_s` is one deadline for the whole render, from this call on: preparing the
    inputs and every pass share it (a pass does not get a fresh limit)."""
    deadline = time.monotonic() + timeout_s
    plan = make_plan(timeline, resolver)
    stages = _stages(plan, on_progress)
    choice = choose_encoder(timeline.output.codec, prefer_gpu=prefer_gpu)
    folder = Path(tempfile.mkdtemp(prefix=f".{output.stem}.", dir=output.parent))
    try:
        files = _prepare(plan, folder, stages, captions=True, soundtrack=True)
        loudness = None
        if files.soundtrack is not None:
            stats = run_graph(
                build.soundtrack_graph(plan), files.soundtrack,
                output_args=["-c:a", "pcm_f32le", "-f", "wav"], total_s=plan.total_s,
                stage="soundtrack", on_progress=stages.stage_fn("soundtrack"),
                should_cancel=should_cancel, timeout_s=timeout_s, deadline=deadline,
                loglevel="info",
                log_lines=LOUDNESS_LOG_LINES)
            loudness = parse_loudness(stats.log_tail)
        args = output_args(choice, timeline.output.quality, plan.fps,
                           audio=files.soundtrack is not None)
        stats = run_graph(
            build.render_graph(plan, files, loudness), output, output_args=args,
            total_s=plan.total_s, stage="render", on_progress=stages.stage_fn("render"),
            should_cancel=should_cancel, timeout_s=timeout_s, deadline=deadline)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    info = probe(output)
    return TimelineResult(
        duration_s=info.duration_s, width=info.width, height=info.height, fps=info.fps,
        codec=timeline.output.codec, encoder=choice.encoder, gpu=choice.gpu,
        size_bytes=output.stat().st_size, wall_s=stats.wall_s, has_audio=info.has_audio)


def render_gallery(
    timeline: Timeline,
    resolver: AssetResolver,
    output: Path,
    *,
    timeout_s: float = 600,
) -> Path:
    """A PNG contact sheet: one labelled frame from the middle of each scene."""
    draft = timeline.model_copy(update={"output": timeline.output.model_copy(
        update={"quality": "draft"})})
    plan = make_plan(draft, resolver)
    folder = Path(tempfile.mkdtemp(prefix=f".{output.stem}.", dir=output.parent))
    try:
        files = _prepare(plan, folder, Stages([("prepare", 1)], None), captions=False,
                         soundtrack=False)
        sheet = folder / "sheet.png"
        run_graph(build.gallery_graph(plan, files), sheet,
                  output_args=["-frames:v", "1", "-update", "1", "-f", "image2"],
                  total_s=plan.total_s, timeout_s=timeout_s)
        _label(plan, sheet, output)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return output


def render_frames(
    timeline: Timeline,
    resolver: AssetResolver,
    output: Path,
    *,
    output_args: list[str],
    timeout_s: float = 1800,
) -> None:
    """The picture of `timeline` alone, with the caller's output options (a lossless
    reference for quality metrics, raw frames for an encoder benchmark)."""
    plan = make_plan(timeline, resolver)
    folder = Path(tempfile.mkdtemp(prefix=f".{output.stem}.", dir=output.parent))
    try:
        files = _prepare(plan, folder, Stages([("prepare", 1)], None), captions=True,
                         soundtrack=False)
        run_graph(build.render_graph(plan, files, None), output, output_args=output_args,
                  total_s=plan.total_s, timeout_s=timeout_s)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _label(plan: Plan, sheet: Path, output: Path) -> None:
    cols, _rows, tw, th = build.gallery_layout(plan)
    font = pillow_font(14, True)
    with Image.open(sheet) as im:
        canvas = im.convert("RGB")
    draw = ImageDraw.Draw(canvas)
    for i, sp in enumerate(plan.scenes):
        x = 8 + (i % cols) * (tw + 8)
        y = 8 + (i // cols) * (th + 8)
        label = f"{i}  {sp.scene.kind}  {sp.frames / plan.fps:.1f}s"
        draw.rectangle((x, y, x + tw - 1, y + 20), fill=(0, 0, 0))
        draw.text((x + 4, y + 2), label, font=font, fill=(255, 255, 255))
    tmp = output.with_name(f".{output.name}.tmp.png")
    canvas.save(tmp, "PNG")
    tmp.replace(output)
