"""The slideshow request: its fields, their limits, validation and frame arithmetic."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.media.errors import ProbeFailed, SpecError
from app.media.probe import AUDIO_FORMATS, SNIFF_BYTES, probe_audio, sniff_audio
from app.media.stills import CUT

# "none" cuts with concat; every other name is an xfade transition.
TRANSITIONS = frozenset(
    {
        CUT,
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


def image_demuxer(path: Path, field: str) -> str:
    """The single-image demuxer for a JPEG or PNG, chosen from its magic bytes."""
    if not path.is_file():
        raise SpecError(field, f"{path} is not an existing regular file")
    with path.open("rb") as fh:
        head = fh.read(8)
    for magic, demuxer in _IMAGE_DEMUXERS.items():
        if head.startswith(magic):
            return demuxer
    raise SpecError(field, f"{path} is neither JPEG nor PNG")


def audio_demuxer(path: Path) -> str:
    """The demuxer for an audio file, chosen from its magic bytes."""
    if not path.is_file():
        raise SpecError("audio", f"{path} is not an existing regular file")
    with path.open("rb") as fh:
        kind = sniff_audio(fh.read(SNIFF_BYTES))
    if kind is None:
        raise SpecError("audio", f"{path} is not WAV, MP3, Ogg, FLAC or M4A")
    return AUDIO_FORMATS[kind]


def _check_audio(path: Path) -> None:
    demuxer = audio_demuxer(path)
    try:
        seconds = probe_audio(path, demuxer)
    except ProbeFailed as exc:
        raise SpecError("audio", str(exc)) from exc
    # Looping an empty stream with -stream_loop -1 would spin until the timeout.
    if seconds <= 0:
        raise SpecError("audio", f"{path} has no audio samples")


def frame_counts(spec: SlideshowSpec) -> tuple[int, int]:
    """Frames per image and frames per transition (0 for cuts)."""
    per_image = round(spec.seconds_per_image * spec.fps)
    if spec.transition == CUT:
        return per_image, 0
    return per_image, round(spec.transition_s * spec.fps)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_spec(spec: SlideshowSpec) -> None:
    """Raise SpecError (a ValueError) naming the first invalid field."""
    if not spec.images:
        raise SpecError("images", "at least one image is required")
    for i, path in enumerate(spec.images):
        image_demuxer(path, f"images[{i}]")
    if spec.transition not in TRANSITIONS:
        raise SpecError("transition", f"unknown transition {spec.transition!r}")
    if not _is_int(spec.fps) or spec.fps not in ALLOWED_FPS:
        raise SpecError("fps", f"must be one of {sorted(ALLOWED_FPS)}")
    for name, side in (("width", spec.width), ("height", spec.height)):
        # yuv420p halves chroma in both directions, so x264 needs even sides.
        if not _is_int(side) or not MIN_SIDE <= side <= MAX_SIDE or side % 2:
            raise SpecError(name, f"must be an even integer within {MIN_SIDE}..{MAX_SIDE}")
    d, t = spec.seconds_per_image, spec.transition_s
    if not math.isfinite(d) or not 0 < d <= MAX_SECONDS_PER_IMAGE:
        raise SpecError("seconds_per_image", f"must be in (0, {MAX_SECONDS_PER_IMAGE:g}]")
    if spec.transition != CUT and not (math.isfinite(t) and 0 < t < MAX_SECONDS_PER_IMAGE):
        raise SpecError("transition_s", "must be a positive number of seconds")
    per_image, per_transition = frame_counts(spec)
    if per_image < 1:
        raise SpecError("seconds_per_image", "must last at least one frame")
    if spec.transition != CUT:
        if per_transition < 1:
            raise SpecError("transition_s", "must last at least one frame")
        if d <= t or per_image <= per_transition:
            raise SpecError("seconds_per_image", "must exceed transition_s")
    if spec.audio is not None:
        _check_audio(spec.audio)
    if spec.preset not in X264_PRESETS:
        raise SpecError("preset", f"must be one of {', '.join(X264_PRESETS)}")
    if not _is_int(spec.crf) or not 0 <= spec.crf <= 51:
        raise SpecError("crf", "must be within 0..51")


def expected_duration(spec: SlideshowSpec) -> float:
    """Video length in seconds: n*D - (n-1)*T, counted in whole frames."""
    per_image, per_transition = frame_counts(spec)
    n = len(spec.images)
    return (n * per_image - (n - 1) * per_transition) / spec.fps
