"""Dominant colours of a set of small RGB frames: a coarse histogram, its fullest bins
averaged back to colours."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

LEVELS = 4  # per channel: 64 bins, coarse enough that a gradient counts as a few colours
MIN_SHARE = 0.05  # a bin under 5 % of the pixels is detail, not a dominant colour


def dominant_colours(frames: npt.NDArray[np.uint8], count: int = 3) -> list[str]:
    """Up to `count` hex colours, the most common first."""
    pixels = frames.reshape(-1, 3).astype(np.int64)
    if pixels.size == 0:
        return []
    bins = pixels * LEVELS // 256
    index = bins[:, 0] * LEVELS * LEVELS + bins[:, 1] * LEVELS + bins[:, 2]
    counts = np.bincount(index, minlength=LEVELS ** 3)
    colours: list[str] = []
    for bin_id in np.argsort(counts)[::-1][:count]:
        if counts[bin_id] < MIN_SHARE * len(pixels) and colours:
            break
        mean = pixels[index == bin_id].mean(axis=0)
        colours.append("#" + "".join(f"{int(round(c)):02x}" for c in mean))
    return colours
