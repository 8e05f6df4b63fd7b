"""What a finished reel holds, measured with PyAV: audio level in windows, caption colours."""

from __future__ import annotations

import math
import sys
from array import array
from pathlib import Path

import av

RATE = 16000


def mono_samples(path: Path) -> array:  # type: ignore[type-arg]
    """The audio track as 16-bit mono samples at RATE Hz."""
    samples = array("h")
    resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.audio[0]):
            for out in resampler.resample(frame):
                samples.frombytes(bytes(out.planes[0])[: out.samples * 2])
        for out in resampler.resample(None):
            samples.frombytes(bytes(out.planes[0])[: out.samples * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def rms(samples: array, start_s: float, end_s: float) -> float:  # type: ignore[type-arg]
    """Root mean square of [start_s, end_s), as a fraction of full scale."""
    chunk = samples[int(start_s * RATE):int(end_s * RATE)]
    if not chunk:
        return 0.0
    return math.sqrt(sum(s * s for s in chunk) / len(chunk)) / 32768


def caption_pixels(path: Path, t_s: float, rgb: tuple[int, int, int],
                   tolerance: int = 60) -> int:
    """Pixels near colour `rgb` in the frame shown at `t_s` (the karaoke highlight)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        container.seek(int(t_s / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            if float(frame.time) + 1e-6 >= t_s:
                image = frame.to_image()
                break
        else:
            raise AssertionError(f"no frame at {t_s} s in {path}")
    raw = image.convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, rgb,
                                                                              strict=True)))
