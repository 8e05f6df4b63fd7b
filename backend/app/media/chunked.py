"""A timeline rendered as segments that encode at once and join without re-encoding.

Each segment is encoded alone with the same encoder settings (its first frame an IDR
frame, closed GOPs, a fixed frame count, timebase 1/fps), then the concat demuxer joins
the segments by copying their packets while the soundtrack, mixed and measured once for
the whole timeline, is normalised and encoded beside them. A segment whose content hash
is in the cache is taken from there instead of being rendered (see segment_keys.py).

Segments render on `parallel` threads here, each driving one ffmpeg process; the fleet
renders them as jobs of their own with `render_segment` and `stitch`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from app.media import compile as build
from app.media.audio import normalise, parse_loudness
from app.media.encoders import EncoderChoice, choose_encoder, output_args
from app.media.ffmpeg import CancelFn, run_graph
from app.media.graph import Graph
from app.media.plan import Plan, make_plan
from app.media.probe import probe
from app.media.progress import ProgressCallback, Stages
from app.media.render import LOUDNESS_LOG_LINES, TimelineResult, prepare_files
from app.media.scenes import write_stills
from app.media.segment_keys import segment_key
from app.media.segments import Segment, segment_graph, split, sub_plan
from app.media.timeline import AssetResolver, Timeline

# Segments of about 6 s (a one-scene edit re-renders 6 s, not the reel); below 3 s a split
# costs more (a process, an IDR frame) than it saves. The worker's settings say the same.
TARGET_SEGMENT_S = 6.0
MIN_SEGMENT_S = 3.0


class SegmentCache(Protocol):
    """Encoded segments by content hash."""

    def fetch(self, key: str, dest: Path) -> bool:
        """Copy the segment to `dest`; False when it is not cached."""

    def keep(self, key: str, source: Path) -> None:
        """Store an encoded segment under `key`."""


class FolderCache:
    """A SegmentCache in a local folder (the command line; tests)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def fetch(self, key: str, dest: Path) -> bool:
        path = self.folder / f"{key}.mp4"
        if not path.is_file():
            return False
        shutil.copyfile(path, dest)
        return True

    def keep(self, key: str, source: Path) -> None:
        tmp = self.folder / f".{key}.{os.getpid()}.{threading.get_ident()}.tmp"
        shutil.copyfile(source, tmp)
        tmp.replace(self.folder / f"{key}.mp4")


@dataclass(frozen=True)
class ChunkedResult:
    """A finished chunked render: the file's facts and where its segments came from."""

    result: TimelineResult
    segments: int
    rendered: int
    cached: int


def describe(output: Path, codec: str, choice: EncoderChoice, wall_s: float) -> TimelineResult:
    """A stitched file's facts, read back from it."""
    info = probe(output)
    return TimelineResult(
        duration_s=info.duration_s, width=info.width, height=info.height, fps=info.fps,
        codec=codec, encoder=choice.encoder, gpu=choice.gpu,
        size_bytes=output.stat().st_size, wall_s=wall_s, has_audio=info.has_audio)


def segment_args(choice: EncoderChoice, quality: str, fps: int, threads: int | None) -> list[str]:
    """One segment's encoder and muxer options: the whole render's, video only, and no
    faststart (the stitch writes the final file)."""
    args = output_args(choice, quality, fps, audio=False)
    args = [a for a in args if a != "+faststart"]
    i = args.index("-movflags")
    del args[i:i + 1]
    if threads is not None:
        args = ["-threads", str(threads), "-filter_complex_threads", str(threads), *args]
    return args


def render_segment(plan: Plan, seg: Segment, shared: build.Workfiles, output: Path, *,
                   args: Sequence[str], on_progress: Callable[[float], None] | None = None,
                   should_cancel: CancelFn | None = None, timeout_s: float = 1800,
                   affinity: set[int] | None = None) -> None:
    """Encode one segment to `output` (MP4, video only). `shared` holds the captions and
    the logo of the whole render; the segment's stills and text are made here."""
    folder = Path(tempfile.mkdtemp(prefix=f".seg{seg.index}.", dir=output.parent))
    try:
        sub = sub_plan(plan, seg)
        stills = None
        if any(sp.scene.kind != "video" for sp in sub.scenes):
            stills = folder / "stills.ppm"
            write_stills(sub, stills)
        files = build.Workfiles(folder, stills, shared.captions, None, shared.watermark)
        if affinity is not None:  # this thread's mask is inherited by the ffmpeg it starts
            os.sched_setaffinity(0, affinity)
        run_graph(segment_graph(plan, seg, files), output, output_args=list(args),
                  total_s=seg.frames / plan.fps, stage="render",
                  on_progress=None if on_progress is None else (lambda f, _s: on_progress(f)),
                  should_cancel=should_cancel, timeout_s=timeout_s)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def soundtrack_pass(plan: Plan, files: build.Workfiles, *, should_cancel: CancelFn | None,
                    timeout_s: float,
                    on_progress: Callable[[float, str], None] | None = None,
                    ) -> Sequence[str] | None:
    """Mix the whole soundtrack once into `files.soundtrack` while loudnorm measures it;
    the measurement's log lines (None without audio), for `stitch`."""
    if files.soundtrack is None:
        return None
    stats = run_graph(build.soundtrack_graph(plan), files.soundtrack,
                      output_args=["-c:a", "pcm_f32le", "-f", "wav"], total_s=plan.total_s,
                      stage="soundtrack", on_progress=on_progress,
                      should_cancel=should_cancel, timeout_s=timeout_s, loglevel="info",
                      log_lines=LOUDNESS_LOG_LINES)
    return stats.log_tail


def stitch(plan: Plan, parts: Sequence[Path], files: build.Workfiles, output: Path, *,
           loudness_log: Sequence[str] | None, timeout_s: float = 600) -> None:
    """Join encoded segments by copying their packets; normalise and encode the
    soundtrack beside them. Idempotent: the same parts give the same file."""
    listing = output.with_name(f".{output.stem}.concat.txt")
    listing.write_text("ffconcat version 1.0\n" + "".join(
        f"file '{p.resolve()}'\n" for p in parts), encoding="utf-8")
    graph = Graph()
    video = graph.source(listing, "-f", "concat", "-safe", "0")
    graph.copy(video.video)
    args = ["-c:v", "copy"]
    if files.soundtrack is not None:
        assert plan.timeline.audio is not None and loudness_log is not None
        src = graph.source(files.soundtrack, "-f", "wav")
        graph.output(normalise(graph, src.audio, plan.timeline.audio,
                               parse_loudness(loudness_log)))
        args += ["-c:a", "aac", "-b:a", "192k", "-ar", "48000"]
    try:
        run_graph(graph, output, output_args=[*args, "-movflags", "+faststart", "-f", "mp4"],
                  total_s=plan.total_s, stage="stitch", timeout_s=timeout_s)
    finally:
        listing.unlink(missing_ok=True)


def render_chunked(
    timeline: Timeline,
    resolver: AssetResolver,
    output: Path,
    *,
    cache: SegmentCache | None = None,
    parallel: int = 2,
    target_s: float = TARGET_SEGMENT_S,
    min_s: float = MIN_SEGMENT_S,
    on_progress: ProgressCallback | None = None,
    should_cancel: CancelFn | None = None,
    timeout_s: float = 1800,
    prefer_gpu: bool = False,
    threads: int | None = None,
    cores: Sequence[set[int]] | None = None,
) -> ChunkedResult:
    """`render_timeline`'s output, rendered as segments on `parallel` ffmpeg processes
    (`cores`: a CPU set for each, with `threads` encoder threads; for measurements)."""
    began = time.monotonic()
    plan = make_plan(timeline, resolver)
    segments = split(plan, target_frames=round(target_s * plan.fps),
                     min_frames=round(min_s * plan.fps))
    choice = choose_encoder(timeline.output.codec, prefer_gpu=prefer_gpu)
    args = segment_args(choice, timeline.output.quality, plan.fps, threads)
    stages = Stages([("prepare", 0.01), ("soundtrack", 0.02 if timeline.audio else 0.0),
                     ("render", 1.0), ("stitch", 0.02)], on_progress)
    folder = Path(tempfile.mkdtemp(prefix=f".{output.stem}.", dir=output.parent))
    try:
        shared = prepare_files(plan, folder, stills=False)
        loudness_log = soundtrack_pass(plan, shared, should_cancel=should_cancel,
                                       timeout_s=timeout_s,
                                       on_progress=stages.stage_fn("soundtrack"))
        digests: dict[Path, str] = {}
        keys = [segment_key(plan, s, shared, args, digests) for s in segments]
        parts = [folder / f"part-{s.index:04d}.mp4" for s in segments]
        todo = [s for s, key, part in zip(segments, keys, parts, strict=True)
                if cache is None or not cache.fetch(key, part)]
        done = {s.index: 0.0 for s in todo}
        lock = threading.Lock()
        work = sum(s.frames for s in todo) or 1

        def progress(seg: Segment) -> Callable[[float], None]:
            def report(fraction: float) -> None:
                with lock:
                    done[seg.index] = fraction
                    stages.report("render", sum(done[s.index] * s.frames for s in todo) / work)
            return report

        slots = list(range(max(1, parallel)))
        free = list(slots)

        def run(seg: Segment) -> None:
            with lock:
                slot = free.pop()
            try:
                render_segment(plan, seg, shared, parts[seg.index], args=args,
                               on_progress=progress(seg), should_cancel=should_cancel,
                               timeout_s=timeout_s,
                               affinity=None if cores is None else cores[slot % len(cores)])
            finally:
                with lock:
                    free.append(slot)
            if cache is not None:
                cache.keep(keys[seg.index], parts[seg.index])

        with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
            for future in [pool.submit(run, s) for s in todo]:
                future.result()
        stitch(plan, parts, shared, output, loudness_log=loudness_log, timeout_s=timeout_s)
        stages.report("stitch", 1.0)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    result = describe(output, timeline.output.codec, choice, time.monotonic() - began)
    return ChunkedResult(result, len(segments), len(todo), len(segments) - len(todo))
