"""Fonts from the fontpkg-roboto wheel, so renders never depend on the host's fonts."""

from __future__ import annotations

import functools
from pathlib import Path

import fontpkg_roboto
from PIL import ImageFont

FAMILY = str(fontpkg_roboto.FAMILY)
_FILE = "Roboto[wdth,wght].ttf"
# The variable font's weight axis: 400 regular, 700 bold (Width stays at 100).
WEIGHTS = {False: 400, True: 700}


def fonts_dir() -> Path:
    """The folder holding the bundled TTFs; libass gets it as `fontsdir`."""
    return Path(fontpkg_roboto.ROOT) / "files"


def font_file() -> Path:
    """The upright variable TTF (weight and width axes)."""
    return fonts_dir() / _FILE


@functools.lru_cache(maxsize=32)
def pillow_font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """A Pillow font at `size` pixels with the weight axis set."""
    font = ImageFont.truetype(str(font_file()), size)
    font.set_variation_by_axes([WEIGHTS[bold], 100])
    return font
