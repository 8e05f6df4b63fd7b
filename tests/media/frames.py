"""Reading rendered frames back: counts, colours and brightness profiles, with PyAV + Pillow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
from PIL import Image

from tests.media.colours import RGB

COLOUR_TOL = 14


def close(actual: RGB, expected: RGB, tol: int = COLOUR_TOL) -> bool:
    return all(abs(a - e) <= tol for a, e in zip(actual, expected, strict=True))


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def images(path: Path) -> Iterator[Image.Image]:
    """Every decoded frame as an RGB image, in order."""
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            yield frame.to_image()


def column_profile(image: Image.Image) -> list[float]:
    """Mean brightness of each column (a 1-pixel-high box resize)."""
    row = image.convert("L").resize((image.width, 1), Image.Resampling.BOX)
    return [float(v) for v in row.tobytes()]


def centroid(values: list[float], lo: int = 0, hi: int | None = None) -> float:
    """Brightness-weighted centre of values[lo:hi], in index units."""
    part = values[lo:hi]
    total = sum(part)
    return lo + sum(i * v for i, v in enumerate(part)) / total
