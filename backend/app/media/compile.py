"""A plan compiled to ffmpeg graphs: the soundtrack pass, the final render, the gallery.

Everything a render draws happens in one ffmpeg process per pass: scenes, motion,
text, transitions, the watermark and captions in the video chain; the premixed soundtrack with its
loudness correction in the audio chain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from app.media import audio as soundtrack
from app.media.captions import burn
from app.media.graph import Graph, Pad
from app.media.plan import Plan
from app.media.scenes import build_scenes
from app.media.transitions import join
from app.media.watermark import Logo, overlay_logo

GALLERY_COLUMNS = 5
GALLERY_TILE_W = 216  # pixels of each contact-sheet cell's width


@dataclass(frozen=True)
class Workfiles:
    """Files a render writes before ffmpeg runs (all in one scratch folder)."""

    folder: Path
    stills: Path | None
    captions: Path | None
    soundtrack: Path | None
    watermark: Logo | None = None


def soundtrack_graph(plan: Plan) -> Graph:
    """Pass one: mix the soundtrack to one stream while loudnorm measures it."""
    graph = Graph()
    mixed = soundtrack.mix(graph, plan)
    assert mixed is not None and plan.timeline.audio is not None
    graph.output(soundtrack.measure(graph, mixed, plan.timeline.audio))
    return graph


def video_chain(graph: Graph, plan: Plan, files: Workfiles) -> Pad:
    """Scenes, motion, text and transitions joined into one stream, then the watermark,
    then the captions burned in on top."""
    clips = build_scenes(graph, plan, files.folder, files.stills)
    video = join(graph, clips, plan.transitions, plan.fps)
    if files.watermark is not None:
        video = overlay_logo(graph, video, files.watermark)
    if files.captions is not None:
        video = burn(graph, video, files.captions)
    return video


def render_graph(plan: Plan, files: Workfiles, loudness: soundtrack.Loudness | None) -> Graph:
    """Pass two: the whole video and, if any, the normalised soundtrack."""
    graph = Graph()
    graph.output(video_chain(graph, plan, files))
    if files.soundtrack is not None:
        assert loudness is not None and plan.timeline.audio is not None
        src = graph.source(files.soundtrack, "-f", "wav")
        graph.output(soundtrack.normalise(graph, src.audio, plan.timeline.audio, loudness))
    return graph


def gallery_frames(plan: Plan) -> list[int]:
    """For each scene, the output frame in the middle of the part it has to itself."""
    out = []
    for i, sp in enumerate(plan.scenes):
        head = plan.transitions[i - 1][1] if i > 0 else 0
        tail = plan.transitions[i][1] if i < len(plan.transitions) else 0
        solo = max(1, sp.frames - head - tail)
        out.append(plan.start_frame(i) + head + solo // 2)
    return out


def gallery_layout(plan: Plan) -> tuple[int, int, int, int]:
    """(columns, rows, tile width, tile height) of the contact sheet."""
    n = len(plan.scenes)
    cols = min(GALLERY_COLUMNS, n)
    tw = GALLERY_TILE_W
    th = max(2, round(tw * plan.frame.height / plan.frame.width / 2) * 2)
    return cols, math.ceil(n / cols), tw, th


def gallery_graph(plan: Plan, files: Workfiles) -> Graph:
    """One frame per scene, scaled down and tiled into a single image."""
    graph = Graph()
    video = video_chain(graph, plan, files)
    picks = "+".join(f"eq(n,{f})" for f in gallery_frames(plan))
    cols, rows, tw, th = gallery_layout(plan)
    graph.output(graph.chain(video, [
        ("select", [picks]),
        ("scale", {"w": tw, "h": th, "flags": "lanczos"}),
        ("tile", {"layout": f"{cols}x{rows}", "padding": 8, "margin": 8, "color": "0x202020"}),
    ]))
    return graph
