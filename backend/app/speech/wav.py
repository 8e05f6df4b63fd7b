"""16-bit PCM WAV files without numpy: read, write atomically, repair streamed headers, RMS."""

from __future__ import annotations

import math
import os
import struct
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from app.core.temp_names import part_path
from app.speech.errors import SpeechError

WINDOW_S = 0.01  # RMS windows of 10 ms: shorter than any phone, longer than a pitch period


@dataclass(frozen=True)
class Pcm:
    """Interleaved signed 16-bit samples and their layout."""

    samples: array  # type: ignore[type-arg]
    sample_rate_hz: int
    channels: int

    @property
    def duration_s(self) -> float:
        return len(self.samples) / self.channels / self.sample_rate_hz


def _samples(frames: bytes) -> array:  # type: ignore[type-arg]
    samples = array("h")
    samples.frombytes(frames[: len(frames) - len(frames) % 2])
    if sys.byteorder == "big":  # WAV is little-endian
        samples.byteswap()
    return samples


def read_pcm(path: Path) -> Pcm:
    """The samples of a 16-bit PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise SpeechError("unsupported_audio", f"{path} is not 16-bit PCM")
            frames = wav.readframes(wav.getnframes())
            return Pcm(_samples(frames), wav.getframerate(), wav.getnchannels())
    except (wave.Error, EOFError) as exc:
        raise SpeechError("unsupported_audio", f"{path} is not a readable WAV file: {exc}") from exc


def write_wav(path: Path, frames: bytes, *, sample_rate_hz: int, channels: int = 1) -> None:
    """Write 16-bit PCM frames as a WAV file; readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = part_path(path)
    try:
        with wave.open(str(tmp), "wb") as wav:
            wav.setnchannels(channels)
            wav.setsampwidth(2)
            wav.setframerate(sample_rate_hz)
            wav.writeframes(frames)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def repair_wav(data: bytes) -> tuple[bytes, int, int]:
    """(frames, sample rate, channels) of a WAV held in memory, trusting no chunk sizes.

    Streamed WAV answers (OpenAI's among them) are written before their length is known and
    carry 0xFFFFFFFF or 0 as the RIFF and data sizes; the data chunk then runs to the end.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise SpeechError("unsupported_audio", "the answer is not a WAV file")
    pos, fmt = 12, None
    while pos + 8 <= len(data):
        chunk_id, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = pos + 8
        if chunk_id == b"fmt ":
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[body:body + 16])
            # 0xFFFE is WAVE_FORMAT_EXTENSIBLE, which PCM encoders also write.
            if tag not in (1, 0xFFFE) or bits != 16:
                raise SpeechError("unsupported_audio", f"WAV format {tag} with {bits}-bit "
                                  "samples; 16-bit PCM expected")
            fmt = (rate, channels)
        elif chunk_id == b"data":
            if fmt is None:
                raise SpeechError("unsupported_audio", "WAV data chunk before its fmt chunk")
            end = len(data) if size in (0, 0xFFFFFFFF) else min(len(data), body + size)
            frames = data[body:end]
            frames = frames[: len(frames) - len(frames) % (2 * fmt[1])]
            return frames, fmt[0], fmt[1]
        pos = body + size + (size & 1)
    raise SpeechError("unsupported_audio", "WAV file without a data chunk")


def rms_windows(pcm: Pcm, window_s: float = WINDOW_S) -> list[float]:
    """Root-mean-square level of each `window_s` slice, on a 0-1 scale (1 = full scale)."""
    step = max(1, round(pcm.sample_rate_hz * window_s)) * pcm.channels
    samples = pcm.samples
    levels = []
    for start in range(0, len(samples), step):
        window = samples[start:start + step]
        levels.append(math.sqrt(sum(x * x for x in window) / len(window)) / 32768.0)
    return levels
