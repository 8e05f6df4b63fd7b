"""Ken Burns motion as a moving source window, sampled at sub-pixel precision.

`perspective` (sense=source) maps four source points, evaluated per frame as floating
point, onto the output corners with bilinear interpolation: the window moves by 1.2 px
a frame when it should, never 1, 1, 1, 2. zoompan crops at whole input pixels, which
is the jitter people see; scale+crop rounds the size and the offset every frame.
"""

from __future__ import annotations

from app.media.graph import Graph, Pad
from app.media.timeline import Motion


def _progress(frames: int, easing: str) -> str:
    p = f"(in/{max(frames - 1, 1)})"
    # smoothstep: zero speed at both ends, for motion that starts and lands softly.
    return f"({p}*{p}*(3-2*{p}))" if easing == "ease" else p


def window(motion: Motion, frames: int) -> tuple[str, str, str, str]:
    """Expressions (x, y, w, h) of the source window, in units of the frame (W, H)."""
    p = _progress(frames, motion.easing)
    big = 1 + motion.amount
    if motion.kind in ("zoom_in", "zoom_out"):
        a, b = (1.0, big) if motion.kind == "zoom_in" else (big, 1.0)
        # Geometric interpolation of the zoom looks like constant speed; linear slows down.
        scale = f"(1/({a}*pow({b / a},{p})))"
        edge = f"((1-{scale})/2)"
        return edge, edge, scale, scale
    scale = f"(1/{big})"
    travel = f"(1-{scale})"
    centre = f"({travel}/2)"
    moves = {
        # pan_left: the picture moves left, so the window moves right over it.
        "pan_left": (f"({travel}*{p})", centre),
        "pan_right": (f"({travel}*(1-{p}))", centre),
        "pan_up": (centre, f"({travel}*{p})"),
        "pan_down": (centre, f"({travel}*(1-{p}))"),
    }
    x, y = moves[motion.kind]
    return x, y, scale, scale


def apply_motion(graph: Graph, pad: Pad, motion: Motion, frames: int, *,
                 interpolation: str = "linear") -> Pad:
    """Move a window over a W x H stream; `in` counts the scene's frames from 0."""
    x, y, w, h = window(motion, frames)
    args = {
        "x0": f"W*{x}", "y0": f"H*{y}",
        "x1": f"W*({x}+{w})", "y1": f"H*{y}",
        "x2": f"W*{x}", "y2": f"H*({y}+{h})",
        "x3": f"W*({x}+{w})", "y3": f"H*({y}+{h})",
        "interpolation": interpolation, "sense": "source", "eval": "frame",
    }
    return graph.then(pad, "perspective", args)
