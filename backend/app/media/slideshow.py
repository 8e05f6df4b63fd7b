"""Render still images (plus optional music) into an H.264/AAC MP4 slideshow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.media.errors import ProbeFailed, SpecError
from app.media.ffmpeg import CancelFn, ProgressFn, run_graph
from app.media.graph import Graph, Pad
from app.media.probe import AUDIO_FORMATS, SNIFF_BYTES, probe, probe_audio, sniff_audio

# "none" cuts with concat; every other name is an xfade transition.
TRANSITIONS = frozenset(
    {
        "none",
        "fade",
        "fadeblack",
        "fadewhite",
        "dissolve",
        "wipeleft",
        "wiperight",
        "slideleft",
        "slideright",
        "circleopen",
        "radial",
        "pixelize",
    }
)
ALLOWED_FPS = frozenset({24, 25, 30, 60})
X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)
MIN_SIDE, MAX_SIDE = 16, 4096
MAX_SECONDS_PER_IMAGE = 600.0
AUDIO_FADE_OUT_S = 1.0
AUDIO_RATE_HZ = 48000
AUDIO_BITRATE = "192k"
ENCODER = "libx264"
_IMAGE_DEMUXERS = {b"\xff\xd8\xff": "jpeg_pipe", b"\x89PNG\r\n\x1a\n": "png_pipe"}


@dataclass(frozen=True, kw_only=True)
class SlideshowSpec:
    """A slideshow: images shown in order, joined by a transition, optionally with music."""

    images: Sequence[Path]
    seconds_per_image: float
    transition: str = "fade"
    transition_s: float = 0.5
    width: int
    height: int
    fps: int
    audio: Path | None = None
    preset: str = "veryfast"
    crf: int = 21


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


def _image_demuxer(path: Path, field: str) -> str:
    if not path.is_file():
        raise SpecError(field, f"{path} is not an existing regular file")
    with path.open("rb") as fh:
        head = fh.read(8)
    for magic, demuxer in _IMAGE_DEMUXERS.items():
        if head.startswith(magic):
            return demuxer
    raise SpecError(field, f"{path} is neither JPEG nor PNG")


def _audio_demuxer(path: Path) -> str:
    if not path.is_file():
        raise SpecError("audio", f"{path} is not an existing regular file")
    with path.open("rb") as fh:
        kind = sniff_audio(fh.read(SNIFF_BYTES))
    if kind is None:
        raise SpecError("audio", f"{path} is not WAV, MP3, Ogg, FLAC or M4A")
    return AUDIO_FORMATS[kind]


def _check_audio(path: Path) -> None:
    demuxer = _audio_demuxer(path)
    try:
        seconds = probe_audio(path, demuxer)
    except ProbeFailed as exc:
        raise SpecError("audio", str(exc)) from exc
    # Looping an empty stream with -stream_loop -1 would spin until the timeout.
    if seconds <= 0:
        raise SpecError("audio", f"{path} has no audio samples")


def _frames(spec: SlideshowSpec) -> tuple[int, int]:
    """Frames per image and frames per transition (0 for cuts)."""
    per_image = round(spec.seconds_per_image * spec.fps)
    if spec.transition == "none":
        return per_image, 0
    return per_image, round(spec.transition_s * spec.fps)


def validate_spec(spec: SlideshowSpec) -> None:
    """Raise SpecError (a ValueError) naming the first invalid field."""
    if not spec.images:
        raise SpecError("images", "at least one image is required")
    for i, path in enumerate(spec.images):
        _image_demuxer(path, f"images[{i}]")
    if spec.transition not in TRANSITIONS:
        raise SpecError("transition", f"unknown transition {spec.transition!r}")
    if spec.fps not in ALLOWED_FPS:
        raise SpecError("fps", f"must be one of {sorted(ALLOWED_FPS)}")
    for name, side in (("width", spec.width), ("height", spec.height)):
        # yuv420p halves chroma in both directions, so x264 needs even sides.
        if not MIN_SIDE <= side <= MAX_SIDE or side % 2:
            raise SpecError(name, f"must be even and within {MIN_SIDE}..{MAX_SIDE}")
    d, t = spec.seconds_per_image, spec.transition_s
    if not math.isfinite(d) or not 0 < d <= MAX_SECONDS_PER_IMAGE:
        raise SpecError("seconds_per_image", f"must be in (0, {MAX_SECONDS_PER_IMAGE:g}]")
    per_image, per_transition = _frames(spec)
    if per_image < 1:
        raise SpecError("seconds_per_image", "must last at least one frame")
    if spec.transition != "none":
        if not math.isfinite(t) or per_transition < 1:
            raise SpecError("transition_s", "must last at least one frame")
        if d <= t or per_image <= per_transition:
            raise SpecError("seconds_per_image", "must exceed transition_s")
    if spec.audio is not None:
        _check_audio(spec.audio)
    if spec.preset not in X264_PRESETS:
        raise SpecError("preset", f"must be one of {', '.join(X264_PRESETS)}")
    if not 0 <= spec.crf <= 51:
        raise SpecError("crf", "must be within 0..51")


def expected_duration(spec: SlideshowSpec) -> float:
    """Video length in seconds: n*D - (n-1)*T, counted in whole frames."""
    per_image, per_transition = _frames(spec)
    n = len(spec.images)
    return (n * per_image - (n - 1) * per_transition) / spec.fps


def _still(graph: Graph, path: Path, spec: SlideshowSpec, frames: int) -> Pad:
    """One image decoded and scaled once, then repeated as `frames` identical frames."""
    src = graph.source(path, "-f", _image_demuxer(path, "images"))
    w, h = spec.width, spec.height
    return graph.chain(
        src.video,
        [
            # Cover: scale up until both sides fit, then crop the centre.
            (
                "scale",
                {
                    "w": w,
                    "h": h,
                    "force_original_aspect_ratio": "increase",
                    "out_color_matrix": "bt709",
                    "out_range": "tv",
                },
            ),
            ("crop", {"w": w, "h": h}),
            ("setsar", ["1"]),
            ("format", ["yuv420p"]),
            # The scaled frame is held and re-sent by reference; nothing is decoded again.
            ("loop", {"loop": frames - 1, "size": 1}),
            ("setpts", [f"N/({spec.fps}*TB)"]),
            # fps pins frame rate and time base to 1/fps, which xfade requires on both inputs.
            ("fps", [spec.fps]),
        ],
    )


def build_graph(spec: SlideshowSpec) -> Graph:
    """The filter graph for a validated spec: stills, transitions, optional music."""
    per_image, per_transition = _frames(spec)
    graph = Graph()
    stills = [_still(graph, path, spec, per_image) for path in spec.images]
    video = stills[0]
    if spec.transition == "none" and len(stills) > 1:
        (video,) = graph.add("concat", {"n": len(stills), "v": 1, "a": 0}, inputs=stills)
    elif spec.transition != "none":
        for k, nxt in enumerate(stills[1:], start=1):
            (video,) = graph.add(
                "xfade",
                {
                    "transition": spec.transition,
                    "duration": per_transition / spec.fps,
                    "offset": k * (per_image - per_transition) / spec.fps,
                },
                inputs=(video, nxt),
            )
    graph.output(video)
    if spec.audio is not None:
        graph.output(_music(graph, spec.audio, expected_duration(spec)))
    return graph


def _music(graph: Graph, path: Path, total_s: float) -> Pad:
    """Music looped (-stream_loop -1), trimmed to the video and faded out at the end."""
    src = graph.source(path, "-stream_loop", "-1", "-f", _audio_demuxer(path))
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
