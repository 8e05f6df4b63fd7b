"""The platforms a reel is made for, one entry each: name and label, frame and safe zone,
caption size, upload limits and hashtag rules.

media (render presets), content (hashtags, the `Platform` of a brief), the platform step
of a workflow and the API schemas all read this module; none keeps a list of its own.
It sits in core, below media and content, so both read it without importing each other.
docs/how-to-add/platform.md walks through adding one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

# The API's enum of platforms, in this order; SPECS has one entry per name, in the same order
# (tests/content/test_platforms.py holds them together).
Platform = Literal["tiktok", "reels", "shorts", "youtube"]


@dataclass(frozen=True)
class SafeZone:
    """Margins in pixels at the native frame size that captions and text stay inside."""

    top: int
    bottom: int
    left: int
    right: int

    def scaled(self, factor: float) -> SafeZone:
        """The same margins for a frame `factor` times the native size."""
        return SafeZone(*(round(m * factor) for m in (self.top, self.bottom, self.left,
                                                       self.right)))


@dataclass(frozen=True)
class TagRule:
    """How many tags a platform wants and which of its own tags fill the reserved slots."""

    least: int
    most: int
    own: tuple[str, ...]  # platform tags, best first: `reserved` always go, the rest pad
    reserved: int


@dataclass(frozen=True)
class PlatformSpec:
    """Everything the platform decides about a reel made for it."""

    name: Platform
    label: str  # as people write it, in progress labels ("optimising for TikTok")
    width: int
    height: int
    safe: SafeZone  # clear of the platform's own buttons and caption bar (docs/render.md)
    caption_size: int  # caption font size in pixels at the native size
    max_duration_s: float  # longest upload
    video_kbps_1080p: int  # video bitrate cap at 1080p, scaled by pixel count below it
    caption_chars: int  # longest post text
    hashtags: TagRule


# Upload limits as the platforms publish them (2025). YouTube's 8 Mb/s is its recommendation
# for 1080p30 SDR; the others re-encode above their figure. Hashtags: TikTok shows 3-5 in
# practice; Instagram suggests 3-10 for Reels; a Short needs #shorts and shows 3 above the
# title; YouTube ignores every hashtag of a video that has more than 15.
SPECS: dict[Platform, PlatformSpec] = {
    "tiktok": PlatformSpec(
        "tiktok", "TikTok", 1080, 1920, SafeZone(top=160, bottom=480, left=60, right=150), 76,
        max_duration_s=600.0, video_kbps_1080p=6000, caption_chars=4000,
        hashtags=TagRule(3, 5, ("fyp", "foryou", "learnontiktok"), 1)),
    "reels": PlatformSpec(
        "reels", "Reels", 1080, 1920, SafeZone(top=220, bottom=420, left=60, right=130), 76,
        max_duration_s=180.0, video_kbps_1080p=5000, caption_chars=2200,
        hashtags=TagRule(3, 10, ("reels", "explore", "instagood"), 1)),
    "shorts": PlatformSpec(
        "shorts", "Shorts", 1080, 1920, SafeZone(top=180, bottom=400, left=60, right=190), 76,
        max_duration_s=180.0, video_kbps_1080p=8000,
        caption_chars=100,  # a Short's caption is its title
        hashtags=TagRule(3, 3, ("shorts", "youtubeshorts", "explained"), 1)),
    "youtube": PlatformSpec(
        "youtube", "YouTube", 1920, 1080, SafeZone(top=54, bottom=108, left=96, right=96), 60,
        max_duration_s=43200.0, video_kbps_1080p=8000, caption_chars=5000,
        hashtags=TagRule(1, 15, ("explained", "howto"), 0)),
}
PLATFORMS: tuple[Platform, ...] = get_args(Platform)
DEFAULT: Platform = "tiktok"


def spec(name: Platform) -> PlatformSpec:
    """The entry of platform `name`."""
    return SPECS[name]


def label(name: str) -> str:
    """A platform's label; a name that is no platform is shown as it is."""
    return next((s.label for s in SPECS.values() if s.name == name), name)
