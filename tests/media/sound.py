"""Measuring rendered audio with ffmpeg's own analysers: ebur128 and astats."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from app.media import ffmpeg_exe


def _analyse(path: Path, afilter: str) -> str:
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-i", str(path),
           "-map", "0:a:0", "-af", afilter, "-f", "null", "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stderr


@dataclass(frozen=True)
class R128:
    integrated_lufs: float
    true_peak_db: float


def loudness(path: Path) -> R128:
    """Integrated loudness and true peak from ebur128's summary."""
    log = _analyse(path, "ebur128=peak=true")
    summary = log[log.rindex("Summary:"):]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return R128(float(integrated.group(1)), float(peak.group(1)))


def band_rms_db(path: Path, start_s: float, end_s: float, freq_hz: float) -> float:
    """RMS level (dBFS) of a narrow band around `freq_hz` between two times."""
    log = _analyse(path, f"atrim=start={start_s}:end={end_s},"
                         f"bandpass=f={freq_hz}:width_type=q:w=8,"
                         f"bandpass=f={freq_hz}:width_type=q:w=8,astats=measure_perchannel=none")
    found = re.findall(r"RMS level dB:\s+(-?[\d.]+|-inf)", log)
    assert found, log[-2000:]
    return float(found[-1])
