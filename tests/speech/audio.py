"""Synthetic audio for timing tests: tone bursts where words are, digital silence elsewhere."""

from __future__ import annotations

import math
import struct
import sys
from array import array


def tone_frames(bursts: list[tuple[float, float]], duration_s: float,
                sample_rate_hz: int = 22050, level: float = 0.3) -> bytes:
    """16-bit mono PCM: a 220 Hz sine inside each (start_s, end_s) burst, zeros elsewhere."""
    n = round(duration_s * sample_rate_hz)
    samples = array("h", bytes(2 * n))
    longest = max((round(e * sample_rate_hz) - round(s * sample_rate_hz) for s, e in bursts),
                  default=0)
    tone = array("h", (round(level * 32767 * math.sin(2 * math.pi * 220 * i / sample_rate_hz))
                       for i in range(longest)))
    for start, end in bursts:
        a, b = round(start * sample_rate_hz), min(n, round(end * sample_rate_hz))
        samples[a:b] = tone[: b - a]
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def streamed_wav(frames: bytes, sample_rate_hz: int = 24000) -> bytes:
    """A WAV as streaming encoders write it: RIFF and data sizes unknown (0xFFFFFFFF)."""
    fmt = struct.pack("<HHIIHH", 1, 1, sample_rate_hz, sample_rate_hz * 2, 2, 16)
    return (b"RIFF" + struct.pack("<I", 0xFFFFFFFF) + b"WAVE" + b"fmt " + struct.pack("<I", 16)
            + fmt + b"data" + struct.pack("<I", 0xFFFFFFFF) + frames)
