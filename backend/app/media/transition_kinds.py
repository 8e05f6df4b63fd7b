"""Every transition kind, once: its name, its label, how ffmpeg draws it, where it is offered.

Everything else reads this table: the timeline's `Transition.kind` and the slideshow
`transition` field (their JSON Schema enums list the names in this order), the planner's
`random` pool, the filter graph, and `GET /transitions`, from which the dashboard fills
its picker. Adding a transition is one entry here (docs/how-to-add/transition.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

CUT = "none"  # concat, no overlap: duration_s is ignored
RANDOM = "random"  # one of the blending kinds, drawn from Timeline.seed
DEFAULT = "fade"


@dataclass(frozen=True)
class Kind:
    """One transition kind as requests name it and as ffmpeg's xfade filter draws it."""

    name: str
    label: str  # what a picker shows
    xfade: str | None  # xfade's `transition` option; None for the cut and for `random`
    expr: str | None = None  # the pixel expression when xfade is "custom"
    slideshow: bool = False  # offered by the slideshow fields of a video submit

    @property
    def blends(self) -> bool:
        """True when the two scenes overlap for the transition's duration."""
        return self.name != CUT

    def xfade_args(self) -> dict[str, str]:
        """The xfade options that pick this kind (the caller adds duration and offset)."""
        if self.xfade is None:
            raise ValueError(f"{self.name!r} is not drawn by xfade")
        return {"transition": self.xfade} | ({"expr": self.expr} if self.expr else {})


def _xfade(name: str, label: str, *, slideshow: bool = False) -> Kind:
    """A kind that xfade draws under its own name."""
    return Kind(name, label, xfade=name, slideshow=slideshow)


KINDS: tuple[Kind, ...] = (
    Kind(CUT, "Cut (none)", xfade=None, slideshow=True),
    Kind(RANDOM, "Random (from the seed)", xfade=None),
    _xfade("fade", "Fade", slideshow=True),
    _xfade("fadeblack", "Fade through black", slideshow=True),
    _xfade("fadewhite", "Fade through white", slideshow=True),
    _xfade("dissolve", "Dissolve", slideshow=True),
    _xfade("wipeleft", "Wipe left", slideshow=True),
    _xfade("wiperight", "Wipe right", slideshow=True),
    _xfade("wipeup", "Wipe up"),
    _xfade("wipedown", "Wipe down"),
    _xfade("slideleft", "Slide left", slideshow=True),
    _xfade("slideright", "Slide right", slideshow=True),
    _xfade("slideup", "Slide up"),
    _xfade("slidedown", "Slide down"),
    _xfade("smoothleft", "Smooth left"),
    _xfade("smoothright", "Smooth right"),
    _xfade("circleopen", "Circle open", slideshow=True),
    _xfade("circleclose", "Circle close"),
    _xfade("zoomin", "Zoom in"),
    _xfade("radial", "Radial", slideshow=True),
    _xfade("pixelize", "Pixelize", slideshow=True),
    _xfade("hblur", "Horizontal blur"),
    _xfade("distance", "Distance"),
    _xfade("squeezeh", "Squeeze horizontally"),
)

BY_NAME: dict[str, Kind] = {k.name: k for k in KINDS}
TIMELINE_NAMES = tuple(k.name for k in KINDS)
SLIDESHOW_NAMES = tuple(k.name for k in KINDS if k.slideshow)
# `random` draws from these, so every kind xfade can draw is in the pool.
RANDOM_POOL = tuple(k.name for k in KINDS if k.xfade is not None)

if TYPE_CHECKING:
    # Literal needs its values spelled out for mypy; at run time pydantic reads the tuples.
    TimelineKind = str
    SlideshowKind = str
else:
    TimelineKind = Literal[TIMELINE_NAMES]
    SlideshowKind = Literal[SLIDESHOW_NAMES]
