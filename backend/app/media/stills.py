"""Still images as clips: one decoded frame repeated, never decoded once per frame."""

from __future__ import annotations

from app.media.graph import Graph, Pad


def hold(graph: Graph, pad: Pad, frames: int, fps: int) -> Pad:
    """Repeat a one-frame stream as `frames` frames at `fps`, starting at t=0."""
    return graph.chain(
        pad,
        [
            # loop re-sends the one decoded, scaled frame by reference: no decode, no copy.
            ("loop", {"loop": frames - 1, "size": 1}),
            # Image demuxers use a 1/25 time base; N/(30*TB) there rounds two frames onto
            # one timestamp and fps then drops one. Switch to 1/fps first, then count.
            ("settb", [f"1/{fps}"]),
            ("setpts", ["N"]),
            # fps sets the link frame rate (xfade requires equal ones); frames pass unchanged.
            ("fps", [fps]),
        ],
    )
