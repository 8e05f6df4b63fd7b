"""Fonts from the fontpkg-roboto wheel, so renders never depend on the host's fonts.

One variable family in two files (upright and italic), each with a weight axis
(100-900) and a width axis (75-100): `roboto-condensed` is the upright file at width 75.
"""

from __future__ import annotations

import functools
from pathlib import Path

import fontpkg_roboto
from PIL import ImageFont

from app.media.timeline import FontFamily

FAMILY = str(fontpkg_roboto.FAMILY)
_FILES = {False: "Roboto[wdth,wght].ttf", True: "Roboto-Italic[wdth,wght].ttf"}
# The variable font's weight axis: 400 regular, 700 bold.
WEIGHTS = {False: 400, True: 700}
# The width axis, in percent of the normal width.
WIDTHS: dict[FontFamily, int] = {"roboto": 100, "roboto-condensed": 75, "roboto-italic": 100}


def fonts_dir() -> Path:
    """The folder holding the bundled TTFs; libass gets it as `fontsdir`."""
    return Path(fontpkg_roboto.ROOT) / "files"


def is_italic(family: FontFamily) -> bool:
    return family == "roboto-italic"


def font_file(family: FontFamily = "roboto") -> Path:
    """The variable TTF of `family` (weight and width axes)."""
    return fonts_dir() / _FILES[is_italic(family)]


@functools.lru_cache(maxsize=32)
def pillow_font(size: int, bold: bool, family: FontFamily = "roboto") -> ImageFont.FreeTypeFont:
    """A Pillow font at `size` pixels with the weight and width axes set."""
    font = ImageFont.truetype(str(font_file(family)), size)
    font.set_variation_by_axes([WEIGHTS[bold], WIDTHS[family]])
    return font
