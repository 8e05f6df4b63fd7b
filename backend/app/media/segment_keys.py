"""What determines a segment's pixels, as one content hash: its slice of the plan, the
bytes of its assets, the captions it shows, the logo, the output and encoder settings, and
the renderer's version. Two segments with the same key encode to the same frames.

Caption events are taken relative to the segment's first frame, so a segment that only
moved in time (a scene before it changed length) keeps its key when its captions did.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path

from app.media import compile as build
from app.media.ffmpeg import ffmpeg_argv
from app.media.plan import Plan
from app.media.segments import Segment, sub_plan

# Bump when a change to the renderer changes the frames it draws for the same plan.
RENDERER_VERSION = "segments-1"

_CLOCK = r"(\d+):(\d\d):(\d\d)\.(\d\d)"
_DIALOGUE = re.compile(rf"Dialogue: (\d+),{_CLOCK},{_CLOCK},(.*)")


@functools.cache
def _ffmpeg_version() -> str:
    done = subprocess.run(ffmpeg_argv("-hide_banner", "-version"), capture_output=True,
                          text=True, check=False, stdin=subprocess.DEVNULL)
    return done.stdout.splitlines()[0] if done.stdout else "unknown"


def file_digest(path: Path, cache: dict[Path, str] | None = None) -> str:
    """sha256 of a file's bytes (remembered in `cache` for one render)."""
    if cache is not None and path in cache:
        return cache[path]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    out = digest.hexdigest()
    if cache is not None:
        cache[path] = out
    return out


def _centis(h: str, m: str, s: str, c: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 100 + int(c)


def caption_slice(ass: Path | None, start_s: float, end_s: float) -> list[str]:
    """The .ass header and the events shown in `[start_s, end_s)`, their times relative
    to `start_s` (centiseconds, as the file has them)."""
    if ass is None:
        return []
    lo, hi = round(start_s * 100), round(end_s * 100)
    header, events = [], []
    for line in ass.read_text(encoding="utf-8").splitlines():
        found = _DIALOGUE.fullmatch(line)
        if found is None:
            header.append(line)
            continue
        g = found.groups()
        begin, end = _centis(*g[1:5]), _centis(*g[5:9])
        if end > lo and begin < hi:
            events.append(f"{g[0]}|{begin - lo}|{end - lo}|{g[9]}")
    return [*header, *events]


def caption_excerpt(ass: Path | None, start_s: float, end_s: float) -> str | None:
    """The .ass file with only the events shown in `[start_s, end_s)`, times unchanged:
    what a segment rendered elsewhere needs of the captions (None without captions)."""
    if ass is None:
        return None
    lo, hi = round(start_s * 100), round(end_s * 100)
    kept = []
    for line in ass.read_text(encoding="utf-8").splitlines():
        found = _DIALOGUE.fullmatch(line)
        if found is not None:
            g = found.groups()
            if not (_centis(*g[5:9]) > lo and _centis(*g[1:5]) < hi):
                continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def segment_key(plan: Plan, seg: Segment, files: build.Workfiles, encoder_args: Sequence[str],
                digests: dict[Path, str] | None = None) -> str:
    """The segment's content hash (hex sha256)."""
    sub = sub_plan(plan, seg)
    out = plan.timeline.output
    scenes = [{"scene": sp.scene.model_dump(mode="json"), "frames": sp.frames,
               "source_s": sp.source_s,
               "file": file_digest(sp.path, digests) if sp.path is not None else None}
              for sp in sub.scenes]
    logo = files.watermark
    fps = plan.fps
    facts = {
        "renderer": RENDERER_VERSION, "ffmpeg": _ffmpeg_version(),
        "frame": [plan.frame.width, plan.frame.height], "fps": fps,
        "output": {"preset": out.preset, "quality": out.quality, "codec": out.codec},
        "encoder": list(encoder_args),
        "scenes": scenes, "transitions": [list(t) for t in sub.transitions],
        "lead": seg.lead, "frames": seg.frames,
        "captions": caption_slice(files.captions, seg.start / fps, seg.end / fps),
        "logo": None if logo is None else [file_digest(logo.path, digests), logo.x, logo.y],
    }
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
