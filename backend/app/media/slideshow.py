"""Render still images (plus optional music) into an H.264/AAC MP4 slideshow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.media.ffmpeg import CancelFn, ProgressFn, run_graph
from app.media.graph import Graph, Pad
from app.media.probe import probe
from app.media.spec import (
    SlideshowSpec,
    audio_demuxer,
    expected_duration,
    frame_counts,
    image_demuxer,
    validate_spec,
)
from app.media.stills import cover, join_stills

AUDIO_FADE_OUT_S = 1.0
AUDIO_RATE_HZ = 48000
AUDIO_BITRATE = "192k"
ENCODER = "libx264"


@dataclass(frozen=True)
class RenderResult:
    """Facts about a finished render, read back from the output file."""

    duration_s: float
    width: int
    height: int
    fps: float
    encoder: str
    size_bytes: int
    wall_s: float


def build_graph(spec: SlideshowSpec) -> Graph:
    """The filter graph for a validated spec: stills, transitions, optional music."""
    per_image, per_transition = frame_counts(spec)
    graph = Graph()
    stills = []
    for path in spec.images:
        # A single-frame image demuxer: the still is decoded once, never once per frame.
        src = graph.source(path, "-f", image_demuxer(path, "images"))
        stills.append(cover(graph, src.video, spec.width, spec.height))
    graph.output(
        join_stills(
            graph,
            stills,
            frames_each=per_image,
            transition=spec.transition,
            transition_frames=per_transition,
            fps=spec.fps,
        )
    )
    if spec.audio is not None:
        graph.output(_music(graph, spec.audio, expected_duration(spec)))
    return graph


def _music(graph: Graph, path: Path, total_s: float) -> Pad:
    """Music looped (-stream_loop -1), trimmed to the video and faded out at the end."""
    src = graph.source(path, "-stream_loop", "-1", "-f", audio_demuxer(path))
    fade = min(AUDIO_FADE_OUT_S, total_s)
    return graph.chain(
        src.audio,
        [
            ("atrim", {"duration": total_s}),
            ("aformat", {"sample_rates": AUDIO_RATE_HZ, "channel_layouts": "stereo"}),
            ("afade", {"t": "out", "st": total_s - fade, "d": fade}),
        ],
    )


def output_args(spec: SlideshowSpec) -> list[str]:
    """Encoder and muxer options: H.264 yuv420p BT.709, AAC, moov atom up front."""
    args = ["-c:v", ENCODER, "-preset", spec.preset, "-crf", str(spec.crf)]
    args += ["-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709"]
    args += ["-color_trc", "bt709", "-color_range", "tv"]
    if spec.audio is not None:
        args += ["-c:a", "aac", "-b:a", AUDIO_BITRATE]
    return [*args, "-movflags", "+faststart", "-f", "mp4"]


def render_slideshow(
    spec: SlideshowSpec,
    output: Path,
    *,
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    timeout_s: float = 1800,
) -> RenderResult:
    """Validate `spec`, render it to `output` (MP4) and describe the result."""
    validate_spec(spec)
    stats = run_graph(
        build_graph(spec),
        output,
        output_args=output_args(spec),
        total_s=expected_duration(spec),
        stage="render",
        on_progress=on_progress,
        should_cancel=should_cancel,
        timeout_s=timeout_s,
    )
    info = probe(output)
    return RenderResult(
        duration_s=info.duration_s,
        width=info.width,
        height=info.height,
        fps=info.fps,
        encoder=ENCODER,
        size_bytes=output.stat().st_size,
        wall_s=stats.wall_s,
    )
