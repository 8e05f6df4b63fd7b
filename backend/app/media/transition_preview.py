"""A transition's preview: one second between two colour cards, rendered by the renderer
itself (the same plan, xfade graph and encoder as a reel), then shrunk for a picker."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from app.media.analysis.run import run_ffmpeg
from app.media.render import render_timeline
from app.media.timeline import parse_timeline
from app.media.transition_kinds import BY_NAME, RANDOM

PREVIEW_SIZE = (160, 284)  # a 9:16 tile; both sides even for yuv420p
CARD_S = 0.7  # each card's length: 0.7 + 0.7 - 0.4 overlap = 1.0 s in all
BLEND_S = 0.4
CARDS = (("#2F6FDE", "A"), ("#E8663D", "B"))  # two colours people tell apart in any vision


def previewable(name: str) -> bool:
    """Every kind but `random`, which has no single look (it draws from the seed)."""
    return name in BY_NAME and name != RANDOM


def preview_timeline(name: str) -> dict[str, object]:
    """The timeline behind a kind's preview: card A, the transition, card B (draft)."""
    scenes = [{"kind": "card", "duration_s": CARD_S, "color": color,
               "text": {"text": letter, "size": 360, "animation": "none"}}
              for color, letter in CARDS]
    return {"scenes": scenes, "transition": {"kind": name, "duration_s": BLEND_S},
            "output": {"preset": "tiktok", "quality": "draft"}}


def render_transition_preview(name: str) -> bytes:
    """The MP4 bytes of a kind's preview (≈1 s, 160×284, no sound); ValueError for `random`
    or an unknown name."""
    if not previewable(name):
        raise ValueError(f"no preview for transition {name!r}")
    timeline = parse_timeline(preview_timeline(name))
    folder = Path(tempfile.mkdtemp(prefix=".transition-preview."))
    try:
        full = folder / "full.mp4"
        render_timeline(timeline, lambda asset: folder / asset, full, timeout_s=60)
        small = folder / "preview.mp4"
        width, height = PREVIEW_SIZE
        run_ffmpeg(["-f", "mp4", "-i", f"file:{full}", "-vf", f"scale={width}:{height}",
                    "-c:v", "libx264", "-preset", "veryfast", "-crf", "30",
                    "-pix_fmt", "yuv420p", "-an", "-movflags", "+faststart", "-y", str(small)],
                   timeout_s=60)
        return small.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
