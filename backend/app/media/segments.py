"""A plan cut into segments that encode apart and join without re-encoding.

A segment is a range of output frames `[start, end)`. Its edges lie where no transition
is running: at a cut between two scenes, or on the frame a transition into a scene has
just finished. A transition therefore stays inside one segment.

A segment is rendered from a plan of its own scenes only (the last one only for the
frames its incoming transition needs); frames of the first scene that the segment
before already showed (the tail of a transition into it) are trimmed away. Each scene is
drawn from its own frame index, so the frames of a segment are the frames the whole
render would have drawn at the same places; captions see the same timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from app.media import compile as build
from app.media.captions import burn
from app.media.graph import Graph
from app.media.plan import Plan, ScenePlan
from app.media.scenes import build_scenes
from app.media.transitions import join
from app.media.watermark import overlay_logo


@dataclass(frozen=True)
class Segment:
    """Output frames `[start, end)`, drawn from scenes `first..last` (inclusive); the
    first `lead` frames of scene `first` belong to the segment before (a transition)."""

    index: int
    start: int
    end: int
    first: int
    last: int
    lead: int

    @property
    def frames(self) -> int:
        return self.end - self.start


def edges(plan: Plan) -> list[int]:
    """Output frames where a segment may begin: after each transition into a scene (on
    the boundary itself for a cut)."""
    out = []
    for i in range(1, len(plan.scenes)):
        edge = plan.start_frame(i) + plan.transitions[i - 1][1]
        # a scene that is all transition has no frame of its own to begin on
        if i + 1 == len(plan.scenes) or plan.transitions[i][1] == 0 \
                or edge < plan.start_frame(i + 1):
            out.append(edge)
    return out


def split(plan: Plan, *, target_frames: int, min_frames: int) -> list[Segment]:
    """Segments of about `target_frames`, none shorter than `min_frames`; one segment
    when the plan is too short to split or its transitions overlap whole scenes."""
    total = plan.total_frames
    cuts: list[int] = []
    if plan.segmented and total >= 2 * min_frames:
        begin = 0
        for edge in edges(plan):
            if edge - begin >= target_frames and total - edge >= min_frames:
                cuts.append(edge)
                begin = edge
    bounds = [0, *cuts, total]
    return [_segment(plan, k, a, b) for k, (a, b) in enumerate(zip(bounds, bounds[1:],
                                                                     strict=False))]


def _segment(plan: Plan, index: int, start: int, end: int) -> Segment:
    starts = [plan.start_frame(i) for i in range(len(plan.scenes))]
    first = max(i for i, f in enumerate(starts) if f <= start)
    last = max(i for i, f in enumerate(starts) if f < end)
    return Segment(index, start, end, first, last, start - starts[first])


def sub_plan(plan: Plan, seg: Segment) -> Plan:
    """The plan of the segment's scenes alone, renumbered from 0."""
    scenes = tuple(ScenePlan(k, sp.scene, sp.frames, sp.path, sp.source_s)
                   for k, sp in enumerate(plan.scenes[seg.first:seg.last + 1]))
    return replace(plan, scenes=scenes, transitions=plan.transitions[seg.first:seg.last])


def segment_graph(plan: Plan, seg: Segment, files: build.Workfiles) -> Graph:
    """The segment's frames alone, timed as in the whole render for the captions, then
    restarted at 0 for its own encoder. `files.stills` holds the segment's stills."""
    sub = sub_plan(plan, seg)
    graph = Graph()
    clips = build_scenes(graph, sub, files.folder, files.stills)
    video = join(graph, clips, sub.transitions, sub.fps)
    video = graph.chain(video, [
        ("trim", {"start_frame": seg.lead, "end_frame": seg.lead + seg.frames}),
        ("settb", [f"1/{sub.fps}"]),
        ("setpts", [f"N+{seg.start}"]),
    ])
    if files.watermark is not None:
        video = overlay_logo(graph, video, files.watermark)
    if files.captions is not None:
        video = burn(graph, video, files.captions)
    graph.output(graph.then(video, "setpts", ["N"]))
    return graph
