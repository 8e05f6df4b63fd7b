"""Stills prepared in Pillow at the output size: photos fitted, cards painted.

A photo is decoded with JPEG draft mode (DCT scaling by 1/2, 1/4 or 1/8) at the
smallest size that still covers the frame, so a 24 MP photo never exists in memory
at full size; ffmpeg then reads frames of exactly the output size.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from app.media.errors import SpecError
from app.media.text import rgba
from app.media.timeline import Gradient

_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "BMP", "TIFF", "GIF"})
_ROTATED = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
# Contain: the background is the same photo, blurred at 1/8 size (cheap) and dimmed.
_BLUR_DIVISOR = 8
_BLUR_RADIUS = 4
_BACKGROUND_BRIGHTNESS = 0.7
_GRADIENT_SIDE = 128  # gradients are computed on this grid and scaled up smoothly


def check_image(path: Path, field: str) -> None:
    """Refuse anything Pillow cannot identify as a still image."""
    try:
        with Image.open(path) as im:
            if im.format not in _FORMATS:
                raise SpecError(field, f"{path.name} is {im.format}, not a supported image")
            if min(im.size) < 1:
                raise SpecError(field, f"{path.name} has no pixels")
    except (OSError, Image.DecompressionBombError) as exc:
        raise SpecError(field, f"{path.name} is not a readable image ({exc})") from None


def _load(path: Path, need: tuple[int, int]) -> Image.Image:
    with Image.open(path) as im:
        w, h = need
        if im.getexif().get(0x0112) in _ROTATED:
            w, h = h, w
        # Ask for the size the fit needs on each side: draft keeps both sides >= it.
        src_w, src_h = im.size
        ratio = max(w / src_w, h / src_h)
        im.draft("RGB", (math.ceil(src_w * ratio), math.ceil(src_h * ratio)))
        upright = ImageOps.exif_transpose(im)
        return upright.convert("RGB")


def _cover(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    w, h = size
    ratio = max(w / im.width, h / im.height)
    cw, ch = w / ratio, h / ratio
    left, top = (im.width - cw) / 2, (im.height - ch) / 2
    return im.resize(size, Image.Resampling.LANCZOS, box=(left, top, left + cw, top + ch),
                     reducing_gap=3.0)


def fit_photo(path: Path, fit: str, size: tuple[int, int]) -> Image.Image:
    """The photo fitted to `size`: cover (crop), contain (blurred backdrop) or fill."""
    w, h = size
    if fit == "fill":
        return _load(path, size).resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    if fit == "cover":
        return _cover(_load(path, size), size)
    im = _load(path, size)
    ratio = min(w / im.width, h / im.height)
    front = im.resize((max(1, round(im.width * ratio)), max(1, round(im.height * ratio))),
                      Image.Resampling.LANCZOS, reducing_gap=3.0)
    small = _cover(im, (max(1, w // _BLUR_DIVISOR), max(1, h // _BLUR_DIVISOR)))
    small = small.filter(ImageFilter.GaussianBlur(_BLUR_RADIUS))
    small = ImageEnhance.Brightness(small).enhance(_BACKGROUND_BRIGHTNESS)
    canvas = small.resize(size, Image.Resampling.BICUBIC)
    canvas.paste(front, ((w - front.width) // 2, (h - front.height) // 2))
    return canvas


def paint_card(color: str, gradient: Gradient | None, size: tuple[int, int]) -> Image.Image:
    """A flat colour, or a linear gradient through 2-4 stops at `gradient.angle` degrees."""
    if gradient is None:
        return Image.new("RGB", size, rgba(color)[:3])
    w, h = size
    gw = max(2, round(_GRADIENT_SIDE * w / max(w, h)))
    gh = max(2, round(_GRADIENT_SIDE * h / max(w, h)))
    dx, dy = math.cos(math.radians(gradient.angle)), math.sin(math.radians(gradient.angle))
    # Project every pixel centre on the direction; 0..1 spans the frame corner to corner.
    half = (abs(dx) * w + abs(dy) * h) / 2
    stops = [rgba(c)[:3] for c in gradient.colors]
    pixels = []
    for gy in range(gh):
        for gx in range(gw):
            x, y = (gx + 0.5) * w / gw - w / 2, (gy + 0.5) * h / gh - h / 2
            t = min(1.0, max(0.0, ((x * dx + y * dy) / half + 1) / 2)) * (len(stops) - 1)
            k = min(int(t), len(stops) - 2)
            f = t - k
            a, b = stops[k], stops[k + 1]
            pixels.append(tuple(round(a[c] + (b[c] - a[c]) * f) for c in range(3)))
    grid = Image.new("RGB", (gw, gh))
    grid.putdata(pixels)
    return grid.resize(size, Image.Resampling.BICUBIC)
