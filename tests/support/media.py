"""Generated test media: solid-colour images and a sine tone, made in memory."""

from __future__ import annotations

import io
import math
import struct
import wave

from PIL import Image


def image_bytes(color: tuple[int, int, int], size: tuple[int, int] = (640, 480),
                fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def tone_wav(seconds: float, freq: float = 440.0, rate: int = 22050) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(12000 * math.sin(2 * math.pi * freq * i / rate)))
            for i in range(int(seconds * rate)))
        out.writeframes(frames)
    return buffer.getvalue()
