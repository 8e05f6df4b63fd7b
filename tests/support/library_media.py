"""Inputs of known properties for the auto-tagger, made with ffmpeg's own sources: a click
track at a given tempo, a gradient that moves left to right (or stands still)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.media import ffmpeg_exe


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", *args,
                    ], check=True, timeout=120)


def click_track(dest: Path, *, bpm: float, seconds: float = 12.0, fmt: str = "wav") -> Path:
    """5 ms clicks of 1.5 kHz, one per beat, as WAV or AAC in M4A."""
    period = 60.0 / bpm
    expr = f"if(lt(mod(t\\,{period})\\,0.005)\\,sin(2*PI*1500*t)\\,0)"
    codec = ["-c:a", "pcm_s16le"] if fmt == "wav" else ["-c:a", "aac", "-b:a", "128k"]
    _ffmpeg("-f", "lavfi", "-i", f"aevalsrc={expr}:s=44100:d={seconds}", *codec, "-y",
            str(dest))
    return dest


def gradient_clip(dest: Path, *, width: int, height: int, speed_px_s: float,
                  seconds: float = 3.0) -> Path:
    """An H.264 MP4 of a black-to-white horizontal gradient shifting right at speed_px_s."""
    lum = f"mod(X-{speed_px_s}*T+4*W\\,W)*255/W"
    _ffmpeg("-f", "lavfi", "-i", f"color=s={width}x{height}:r=25:d={seconds},"
            f"geq=lum='{lum}':cb=128:cr=128", "-c:v", "libx264", "-preset", "ultrafast",
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-y", str(dest))
    return dest
