"""Still images as constant clips joined by cuts or xfade, each image scaled exactly once."""

from __future__ import annotations

from collections.abc import Sequence

from app.media.graph import Graph, Pad, Value

CUT = "none"


def cover(graph: Graph, pad: Pad, width: int, height: int) -> Pad:
    """Scale up preserving aspect until the frame is covered, crop the centre, BT.709 yuv420p."""
    return graph.chain(
        pad,
        [
            (
                "scale",
                {
                    "w": width,
                    "h": height,
                    "force_original_aspect_ratio": "increase",
                    "out_color_matrix": "bt709",
                    "out_range": "tv",
                },
            ),
            ("crop", {"w": width, "h": height}),
            ("setsar", ["1"]),
            ("format", ["yuv420p"]),
        ],
    )


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


def _clips(graph: Graph, still: Pad, counts: Sequence[int], fps: int) -> list[Pad]:
    """Several constant clips of one still, sharing its single scaled frame through split."""
    if len(counts) == 1:
        return [hold(graph, still, counts[0], fps)]
    copies = graph.add("split", [len(counts)], inputs=[still], outputs=["video"] * len(counts))
    return [hold(graph, pad, n, fps) for pad, n in zip(copies, counts, strict=True)]


def _xfade(
    graph: Graph, a: Pad, b: Pad, transition: str, frames: int, offset: int, fps: int
) -> Pad:
    args: dict[str, Value] = {
        "transition": transition,
        "duration": frames / fps,
        "offset": offset / fps,
    }
    (out,) = graph.add("xfade", args, inputs=(a, b))
    return out


def join_stills(
    graph: Graph,
    stills: Sequence[Pad],
    *,
    frames_each: int,
    transition: str,
    transition_frames: int,
    fps: int,
) -> Pad:
    """One clip of all stills in order: cuts (concat) or overlapping xfade transitions."""
    n = len(stills)
    if transition == CUT or n == 1:
        clips = [hold(graph, s, frames_each, fps) for s in stills]
        return _concat(graph, clips)
    if frames_each >= 2 * transition_frames:
        return _segmented(graph, stills, frames_each, transition, transition_frames, fps)
    # Transitions overlap (a still never shows alone): chain xfades over whole clips.
    video = hold(graph, stills[0], frames_each, fps)
    for k, still in enumerate(stills[1:], start=1):
        nxt = hold(graph, still, frames_each, fps)
        offset = k * (frames_each - transition_frames)
        video = _xfade(graph, video, nxt, transition, transition_frames, offset, fps)
    return video


def _segmented(
    graph: Graph, stills: Sequence[Pad], frames_each: int, transition: str, t: int, fps: int
) -> Pad:
    """Concat of [body, transition, body, ...]; xfade sees only the transition frames.

    xfade costs about as much per frame passed through as per frame blended (~2 ms at
    1080x1920 here), so a chain of n-1 xfades over whole clips costs O(n * frames); here
    each xfade gets exactly `t` frames of each side and concat does the rest.
    """
    n = len(stills)
    segments: list[Pad] = []
    tail: Pad | None = None
    for k, still in enumerate(stills):
        head_n = t if k > 0 else 0
        tail_n = t if k < n - 1 else 0
        body_n = frames_each - head_n - tail_n
        counts = [c for c in (head_n, body_n, tail_n) if c > 0]
        clips = iter(_clips(graph, still, counts, fps))
        if head_n:
            assert tail is not None
            segments.append(_xfade(graph, tail, next(clips), transition, t, 0, fps))
        if body_n:
            segments.append(next(clips))
        if tail_n:
            tail = next(clips)
    return _concat(graph, segments)


def _concat(graph: Graph, clips: Sequence[Pad]) -> Pad:
    if len(clips) == 1:
        return clips[0]
    (out,) = graph.add("concat", {"n": len(clips), "v": 1, "a": 0}, inputs=clips)
    return out
