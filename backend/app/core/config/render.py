"""ffmpeg renders: how long one may run, the x264 preset, and how long timelines are cut
into segments that render on several workers at once (docs/scaling.md)."""

from __future__ import annotations

from pydantic import Field

from app.core.config.group import Group


class RenderSettings(Group):
    """The render's time limit, encoder speed, segments and their cache."""

    RENDER_TIMEOUT_S: int = 1800
    RENDER_PRESET: str = "veryfast"
    # A worker's ffmpeg runs this many nice steps below normal (0..19): where the API shares
    # the machine (`make run`, one box) its WebSocket fan-out keeps its latency beside a
    # render (docs/benchmarks.md); on a machine of its own a render loses nothing by it.
    RENDER_NICE: int = Field(default=19, ge=0, le=19)
    # A timeline at least twice RENDER_SEGMENT_MIN_S long is cut into segments of about
    # RENDER_SEGMENT_S, each a job of its own on the video (or gpu) queue; 0 turns it off.
    RENDER_SEGMENT_S: float = 6.0
    RENDER_SEGMENT_MIN_S: float = 3.0
    # Encoded segments are kept per user in the store for re-renders of edited timelines.
    SEGMENT_CACHE_DAYS: int = 7
