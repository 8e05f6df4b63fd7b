"""Scenes joined by cuts or xfade transitions, with xfade fed only the frames it blends.

xfade costs about as much per frame passed through as per frame blended, so each
scene is cut into [head | body | tail]: the head and tail meet their neighbours in
an xfade of exactly the transition's frames and concat carries the bodies. Scenes
too short for both of their transitions fall back to a chain of whole-clip xfades.

xfade works in yuv444p (it takes no subsampled format) and every filter keeps a pool of
the frames it has output, for the life of the graph. So held stills come in already
converted (`Clip.blend`), and all xfade outputs go through one concat and ONE
conversion back to yuv420p before they are cut back into their places: one scaler and
one pool instead of one per xfade (measured at 1080p, 10 photos: 300 -> 140 MB for
the graph, half its CPU time).
"""

from __future__ import annotations

from collections.abc import Sequence

from app.media.graph import Graph, Pad, Value
from app.media.scenes import Clip
from app.media.stills import hold
from app.media.transition_kinds import BY_NAME, CUT


def pieces(graph: Graph, clip: Clip, counts: Sequence[int], fps: int) -> list[Pad]:
    """Consecutive parts of a clip with the given frame counts (zeros skipped)."""
    counts = [c for c in counts if c > 0]
    n = len(counts)
    if clip.static:
        if n == 1:
            return [hold(graph, clip.pad, counts[0], fps)]
        copies = graph.add("split", [n], inputs=[clip.pad], outputs=["video"] * n)
        return [hold(graph, pad, c, fps) for pad, c in zip(copies, counts, strict=True)]
    if n == 1:
        return [clip.pad]
    copies = graph.add("split", [n], inputs=[clip.pad], outputs=["video"] * n)
    out, start = [], 0
    for pad, count in zip(copies, counts, strict=True):
        out.append(graph.chain(pad, [
            ("trim", {"start_frame": start, "end_frame": start + count}),
            ("setpts", ["PTS-STARTPTS"]),
        ]))
        start += count
    return out


def xfade(graph: Graph, a: Pad, b: Pad, kind: str, frames: int, offset: int, fps: int) -> Pad:
    """`a` blended into `b` by the registered kind, over `frames` from frame `offset` of `a`."""
    args: dict[str, Value] = {**BY_NAME[kind].xfade_args(), "duration": frames / fps,
                              "offset": offset / fps}
    (out,) = graph.add("xfade", args, inputs=(a, b))
    return out


def concat(graph: Graph, pads: Sequence[Pad]) -> Pad:
    if len(pads) == 1:
        return pads[0]
    (out,) = graph.add("concat", {"n": len(pads), "v": 1, "a": 0}, inputs=pads)
    return out


def join(graph: Graph, clips: Sequence[Clip], transitions: Sequence[tuple[str, int]],
         fps: int) -> Pad:
    """One stream of every clip in order; transition i sits between clip i and i + 1."""
    frames = [0, *(f for _, f in transitions), 0]
    if all(c.frames >= frames[i] + frames[i + 1] for i, c in enumerate(clips)):
        return _segmented(graph, clips, transitions, fps)
    return _chained(graph, clips, transitions, fps)


def _segmented(graph: Graph, clips: Sequence[Clip], transitions: Sequence[tuple[str, int]],
               fps: int) -> Pad:
    segments: list[Pad | int] = []  # an int is the index of a blended segment
    blended: list[tuple[Pad, int]] = []
    tail: Pad | None = None
    for k, clip in enumerate(clips):
        head_n = transitions[k - 1][1] if k > 0 else 0
        tail_n = transitions[k][1] if k < len(transitions) else 0
        body_n = clip.frames - head_n - tail_n
        head, body, new_tail = _parts(graph, clip, head_n, body_n, tail_n, fps)
        if head is not None:
            assert tail is not None
            segments.append(len(blended))
            blended.append((xfade(graph, tail, head, transitions[k - 1][0], head_n, 0, fps),
                            head_n))
        if body is not None:
            segments.append(body)
        tail = new_tail
    back = _back_to_yuv420p(graph, blended)
    return concat(graph, [back[s] if isinstance(s, int) else s for s in segments])


def _parts(graph: Graph, clip: Clip, head: int, body: int, tail: int,
           fps: int) -> tuple[Pad | None, Pad | None, Pad | None]:
    """The clip's head, body and tail (None where 0 frames); blend pads feed the ends."""
    if clip.blend is None:
        parts = iter(pieces(graph, clip, [head, body, tail], fps))
        return (next(parts) if head else None, next(parts) if body else None,
                next(parts) if tail else None)
    ends = iter(pieces(graph, Clip(clip.blend, clip.frames, static=True), [head, tail], fps))
    return (next(ends) if head else None,
            hold(graph, clip.pad, body, fps) if body else None,
            next(ends) if tail else None)


def _back_to_yuv420p(graph: Graph, blended: Sequence[tuple[Pad, int]]) -> list[Pad]:
    """The xfade outputs, joined, converted once and cut apart again."""
    if not blended:
        return []
    if len(blended) == 1:
        return [graph.then(blended[0][0], "format", ["yuv420p"])]
    joined = graph.then(concat(graph, [pad for pad, _ in blended]), "format", ["yuv420p"])
    copies = graph.add("split", [len(blended)], inputs=[joined],
                       outputs=["video"] * len(blended))
    out, start = [], 0
    for pad, (_, count) in zip(copies, blended, strict=True):
        out.append(graph.chain(pad, [
            ("trim", {"start_frame": start, "end_frame": start + count}),
            ("setpts", ["PTS-STARTPTS"]),
        ]))
        start += count
    return out


def _chained(graph: Graph, clips: Sequence[Clip], transitions: Sequence[tuple[str, int]],
             fps: int) -> Pad:
    video = pieces(graph, clips[0], [clips[0].frames], fps)[0]
    length = clips[0].frames
    for clip, (kind, t) in zip(clips[1:], transitions, strict=True):
        nxt = pieces(graph, clip, [clip.frames], fps)[0]
        if kind == CUT:
            video = concat(graph, [video, nxt])
        else:
            video = xfade(graph, video, nxt, kind, t, length - t, fps)
        length += clip.frames - t
    return video
