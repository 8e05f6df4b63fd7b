"""Output presets: frame size per platform, scale per quality, and each platform's safe zone.

The platforms' frames, safe zones and caption sizes come from their registry
(app/core/platforms.py); `square` and `portrait` are presets of no platform. Safe-zone
margins are pixels at the preset's native size (docs/render.md has the table and where the
numbers come from): captions and text stay inside them, clear of the right-hand buttons and
the bottom caption bar of TikTok, Reels and Shorts.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.core.platforms import SPECS, SafeZone
from app.media.timeline import Preset, Quality


@dataclass(frozen=True)
class PresetInfo:
    width: int
    height: int
    safe: SafeZone
    caption_size: int  # caption font size in pixels at the native size


PRESETS: dict[str, PresetInfo] = {
    **{name: PresetInfo(p.width, p.height, p.safe, p.caption_size) for name, p in SPECS.items()},
    "square": PresetInfo(1080, 1080, SafeZone(top=54, bottom=96, left=54, right=54), 64),
    "portrait": PresetInfo(1080, 1350, SafeZone(top=68, bottom=160, left=60, right=60), 68),
}

# The short side of the frame relative to the preset's 1080: draft renders at 540 p.
QUALITY_SCALE: dict[str, float] = {"draft": 0.5, "standard": 1.0, "high": 1.0, "ultra": 2.0}


@dataclass(frozen=True)
class Frame:
    """The output frame: size, and the factor from the preset's native 1080 p pixels."""

    width: int
    height: int
    scale: float
    safe: SafeZone
    caption_size: int


def _even(value: float) -> int:
    # yuv420p halves chroma both ways, so encoders need even sides.
    return max(2, 2 * round(value / 2))


def frame_for(preset: Preset, quality: Quality) -> Frame:
    """Output size and safe zone of a preset at a quality."""
    info = PRESETS[preset]
    factor = QUALITY_SCALE[quality]
    return Frame(
        width=_even(info.width * factor),
        height=_even(info.height * factor),
        scale=factor,
        safe=info.safe.scaled(factor),
        caption_size=round(info.caption_size * factor),
    )


def px(value: float, frame: Frame) -> int:
    """A length given in native 1080 p pixels, at the output frame's scale."""
    return max(1, round(value * frame.scale))
