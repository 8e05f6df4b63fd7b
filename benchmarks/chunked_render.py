"""Chunked rendering: scaling with processes, and a re-render after a one-scene edit.

Scaling. A `--minutes`-long 1080p `standard` YouTube timeline (3 s photos with Ken Burns
motion and 0.5 s crossfades, every fourth boundary a cut) is rendered
  * by one unpinned ffmpeg process (`render_timeline`, the reference),
  * as segments on 1 process held to one core (CPU affinity, one encoder and one filter
    thread), and
  * as segments on 2 such processes, each on a core of its own.
The ratio of the last two is the scaling (goal >= 1.7x); one ffmpeg already uses both
cores of a 2-core machine, so the pinned runs are what tells how segments scale across
machines. From the 1-process run come the per-segment cost and the fixed costs (soundtrack,
stitch); `docs/scaling.md` models the wall time on N machines from them, and the model is
printed beside the measured 1- and 2-process points.

Cache. A 20-scene timeline (3 s each, 1080p standard) rendered into an empty segment cache,
then again after one scene's text changed: the re-render's segments rendered, and its wall
time as a share of the first (goal <= 25 %).

    .venv/bin/python benchmarks/chunked_render.py [--minutes 3] [--only scaling,cache]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from app.media import ffmpeg_exe, parse_timeline, render_timeline  # noqa: E402
from app.media.chunked import (  # noqa: E402
    MIN_SEGMENT_S,
    TARGET_SEGMENT_S,
    FolderCache,
    render_chunked,
)
from app.media.plan import make_plan  # noqa: E402
from app.media.segments import split  # noqa: E402

SCALING_GOAL = 1.7
CACHE_GOAL = 0.25
SCENE_S = 3.0


def _photos(folder: Path, count: int) -> dict[str, Path]:
    """Busy 1920x1280 photos (gradients, shapes, blur): something for x264 to work on."""
    out = {}
    for i in range(count):
        image = Image.new("RGB", (1920, 1280))
        draw = ImageDraw.Draw(image)
        for y in range(0, 1280, 8):
            draw.rectangle((0, y, 1920, y + 8), fill=((i * 37 + y // 5) % 256,
                                                      (i * 91 + y // 7) % 256, (200 + y) % 256))
        for k in range(40):
            x, y = (k * 173 + i * 61) % 1800, (k * 97 + i * 29) % 1160
            draw.ellipse((x, y, x + 120, y + 120), fill=((k * 50) % 256, (k * 80) % 256, 90))
        image = image.filter(ImageFilter.GaussianBlur(1.2))
        path = folder / f"photo-{i}.jpg"
        image.save(path, quality=90)
        out[path.name] = path
    return out


def _voice(folder: Path, seconds: float) -> Path:
    path = folder / "voice.wav"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    "-f", "lavfi", "-i", f"sine=frequency=220:sample_rate=48000:duration="
                    f"{seconds}", str(path)], check=True)
    return path


def _timeline(photos: list[str], scenes: int, *, text: str = "Chapter one",
              audio: bool = True) -> dict[str, Any]:
    out = []
    for i in range(scenes):
        scene: dict[str, Any] = {"kind": "image", "asset": photos[i % len(photos)],
                                 "duration_s": SCENE_S,
                                 "motion": {"kind": ("zoom_in", "pan_left", "zoom_out")[i % 3],
                                            "amount": 0.12}}
        if i % 4 == 3:
            scene["transition"] = {"kind": "none"}
        if i == scenes // 2:
            scene["text"] = {"text": text, "position": "bottom"}
        out.append(scene)
    data: dict[str, Any] = {"scenes": out, "transition": {"kind": "fade", "duration_s": 0.5},
                            "output": {"preset": "youtube", "quality": "standard"}}
    if audio:
        data["audio"] = {"voice": {"asset": "voice.wav"}}
    return data


def _timed(label: str, fn: Any) -> tuple[float, Any]:
    print(f"  {label} ...", end="", flush=True)
    began = time.monotonic()
    out = fn()
    wall = time.monotonic() - began
    print(f" {wall:.1f} s", flush=True)
    return wall, out


def scaling(minutes: float, folder: Path) -> None:
    files = _photos(folder, 12)
    scenes = max(2, round(minutes * 60 / (SCENE_S - 0.5 * 0.75)))
    length = scenes * SCENE_S
    files["voice.wav"] = _voice(folder, length * 0.8)
    timeline = parse_timeline(_timeline(sorted(p for p in files if p != "voice.wav"),
                                        scenes))
    plan = make_plan(timeline, files.__getitem__)
    segments = split(plan, target_frames=round(TARGET_SEGMENT_S * plan.fps),
                     min_frames=round(MIN_SEGMENT_S * plan.fps))
    print(f"scaling: {scenes} scenes, {plan.total_s:.1f} s at 1920x1080 standard, "
          f"{len(segments)} segments of ~{TARGET_SEGMENT_S:g} s; "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}")
    resolve = files.__getitem__
    single, _ = _timed("single process, unpinned", lambda: render_timeline(
        timeline, resolve, folder / "single.mp4"))
    one, _ = _timed("segments, 1 process on 1 core", lambda: render_chunked(
        timeline, resolve, folder / "one.mp4", parallel=1, threads=1, cores=[{0}]))
    two, _ = _timed("segments, 2 processes on 1 core each", lambda: render_chunked(
        timeline, resolve, folder / "two.mp4", parallel=2, threads=1, cores=[{0}, {1}]))
    # the fixed costs: what a 1-process run spends outside its segments, measured apart
    fixed = _fixed(timeline, resolve, folder)
    print(f"  soundtrack + stitch alone (every segment cached): {fixed:.1f} s")
    per_segment = (one - fixed) / len(segments)
    print(f"  scaling 2 vs 1 process: {one / two:.2f}x (goal >= {SCALING_GOAL}x); "
          f"unpinned single process {single:.1f} s")
    print(f"  model: wall(N) = fixed {fixed:.1f} s + ceil({len(segments)} / N) x "
          f"{per_segment:.1f} s per segment")
    for n, measured in ((1, one), (2, two)):
        modelled = fixed + math.ceil(len(segments) / n) * per_segment
        print(f"    N={n}: model {modelled:.1f} s, measured {measured:.1f} s "
              f"({(modelled - measured) / measured:+.0%})")
    for n in (4, 8, 16):
        print(f"    N={n}: model {fixed + math.ceil(len(segments) / n) * per_segment:.1f} s")


def _fixed(timeline: Any, resolve: Any, folder: Path) -> float:
    """Wall time of a run with every segment in the cache: planning, the soundtrack pass,
    the cache reads and the stitch."""
    cache = FolderCache(folder / "fixed-cache")
    render_chunked(timeline, resolve, folder / "fill.mp4", parallel=2, cache=cache)
    began = time.monotonic()
    result = render_chunked(timeline, resolve, folder / "fixed.mp4", parallel=2, cache=cache)
    assert result.rendered == 0
    return time.monotonic() - began


def cache(folder: Path) -> None:
    files = _photos(folder, 8)
    photos = sorted(files)
    files["voice.wav"] = _voice(folder, 40.0)
    resolve = files.__getitem__
    store = FolderCache(folder / "cache")
    print(f"cache: 20 scenes x {SCENE_S:g} s, 1920x1080 standard; load "
          f"{os.getloadavg()[0]:.2f}")
    first_s, first = _timed("first render (empty cache)", lambda: render_chunked(
        parse_timeline(_timeline(photos, 20)), resolve, folder / "a.mp4", cache=store))
    edit_s, edited = _timed("after editing one scene's text", lambda: render_chunked(
        parse_timeline(_timeline(photos, 20, text="Chapter two")), resolve,
        folder / "b.mp4", cache=store))
    print(f"  segments: first {first.rendered} rendered of {first.segments}; re-render "
          f"{edited.rendered} rendered, {edited.cached} from the cache (goal <= 2)")
    print(f"  re-render wall {edit_s:.1f} s = {edit_s / first_s:.0%} of the first "
          f"({first_s:.1f} s; goal <= {CACHE_GOAL:.0%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0,
                        help="length of the scaling timeline (default 3)")
    parser.add_argument("--only", default="scaling,cache",
                        help="comma-separated: scaling, cache")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    with tempfile.TemporaryDirectory(prefix="chunked-bench-") as tmp:
        if "cache" in parts:
            (Path(tmp) / "cache-run").mkdir()
            cache(Path(tmp) / "cache-run")
        if "scaling" in parts:
            (Path(tmp) / "scaling-run").mkdir()
            scaling(args.minutes, Path(tmp) / "scaling-run")


if __name__ == "__main__":
    main()
