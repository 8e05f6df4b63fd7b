"""What a music track (or any audio asset) measures: duration, loudness, tempo and key-free
mood features, all from ffmpeg's decode and numpy; and its waveform picture."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.media.analysis.run import run_ffmpeg
from app.media.analysis.tempo import (
    BLOCK_FRAMES,
    HOP,
    SAMPLE_RATE,
    WINDOW,
    Signal,
    estimate_bpm,
)
from app.media.errors import ProbeFailed

# ebur128's summary: "I:  -16.2 LUFS" (integrated) and "LRA:  5.1 LU" (loudness range)
_INTEGRATED = re.compile(r"I:\s+(-?[\d.]+|-inf) LUFS")
_RANGE = re.compile(r"LRA:\s+([\d.]+) LU")
SHORT_TERM_S = 0.4  # the window of the level statistics (EBU R 128's momentary loudness)
WAVEFORM_SIZE = "640x120"
WAVEFORM_COLOUR = "#4f9dff"


@dataclass(frozen=True)
class MusicFeatures:
    duration_s: float
    loudness_lufs: float | None  # integrated loudness (EBU R 128); None for silence
    loudness_range_lu: float | None
    bpm: float | None  # None: no steady beat
    rms_db: float  # mean level, dBFS
    energy: float  # 0..1: how loud and how busy
    centroid_hz: float  # spectral brightness
    dynamic_range_db: float  # loud windows against quiet ones (95th - 10th percentile)


def decode_mono(path: Path, demuxer: str, rate: int = SAMPLE_RATE) -> Signal:
    """The whole track as mono float samples at `rate`."""
    out = run_ffmpeg(["-f", demuxer, "-i", f"file:{path}", "-vn", "-ac", "1", "-ar", str(rate),
                      "-f", "f32le", "-"])
    return np.frombuffer(out.stdout, dtype=np.float32)


def loudness(path: Path, demuxer: str) -> tuple[float | None, float | None]:
    """Integrated loudness (LUFS) and loudness range (LU) by ffmpeg's ebur128 filter."""
    out = run_ffmpeg(["-f", demuxer, "-i", f"file:{path}", "-vn", "-filter_complex",
                      "ebur128=framelog=quiet", "-f", "null", "-"])
    summary = out.stderr[out.stderr.rfind("Summary:"):]
    integrated = _INTEGRATED.search(summary)
    spread = _RANGE.search(summary)
    value = integrated.group(1) if integrated else "-inf"
    lufs = None if value == "-inf" or float(value) <= -70.0 else float(value)
    return lufs, float(spread.group(1)) if spread else None


def _levels_db(samples: Signal) -> np.ndarray:
    size = int(SHORT_TERM_S * SAMPLE_RATE)
    count = samples.size // size
    if count == 0:
        return np.array([-120.0])
    windows = samples[: count * size].reshape(count, size)  # a view: no copy of the track
    mean_square = np.einsum("ij,ij->i", windows, windows, dtype=np.float64) / size
    return np.asarray(20 * np.log10(np.sqrt(mean_square) + 1e-6))


def _centroid_hz(samples: Signal) -> float:
    """Magnitude-weighted mean frequency over frames every 93 ms, a block at a time."""
    frames = np.lib.stride_tricks.sliding_window_view(samples, WINDOW)[:: HOP * 8]
    freqs = np.fft.rfftfreq(WINDOW, 1.0 / SAMPLE_RATE)
    window = np.hanning(WINDOW)
    weighted = total = 0.0
    for start in range(0, len(frames), BLOCK_FRAMES):
        spectrum = np.abs(np.fft.rfft(frames[start:start + BLOCK_FRAMES] * window, axis=1))
        weighted += float((spectrum * freqs).sum())
        total += float(spectrum.sum())
    return weighted / total if total > 0 else 0.0


def analyse_music(path: Path, demuxer: str) -> MusicFeatures:
    """Measure an audio file whose demuxer the caller sniffed."""
    samples = decode_mono(path, demuxer)
    if samples.size == 0:
        raise ProbeFailed(f"{path.name}: no audio samples decoded")
    lufs, lra = loudness(path, demuxer)
    levels = _levels_db(samples)
    audible = levels[levels > -70.0]
    rms_db = float(10 * np.log10((10 ** (audible / 10)).mean())) if audible.size else -120.0
    spread = float(np.percentile(audible, 95) - np.percentile(audible, 10)) if audible.size \
        else 0.0
    bpm = estimate_bpm(samples)
    level = float(np.clip((rms_db + 40.0) / 30.0, 0.0, 1.0))  # -40 dBFS quiet .. -10 loud
    pace = float(np.clip(((bpm or 60.0) - 60.0) / 100.0, 0.0, 1.0))
    return MusicFeatures(
        duration_s=round(samples.size / SAMPLE_RATE, 3), loudness_lufs=lufs,
        loudness_range_lu=lra, bpm=round(bpm, 1) if bpm else None, rms_db=round(rms_db, 2),
        energy=round(0.5 * level + 0.5 * pace, 3), centroid_hz=round(_centroid_hz(samples), 1),
        dynamic_range_db=round(spread, 2))


def waveform_png(path: Path, demuxer: str, dest: Path) -> Path:
    """A waveform picture of the whole track (ffmpeg's showwavespic)."""
    run_ffmpeg(["-f", demuxer, "-i", f"file:{path}", "-vn", "-filter_complex",
                f"aformat=channel_layouts=mono,showwavespic=s={WAVEFORM_SIZE}"
                f":colors={WAVEFORM_COLOUR}", "-frames:v", "1", "-y", str(dest)])
    return dest
