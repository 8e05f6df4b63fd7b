"""One short ffmpeg run for analysis: argument list in, stdout bytes and stderr text out."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from app.media.errors import ProbeFailed
from app.media.ffmpeg import ffmpeg_argv

# Analysing a 30-minute track (the audio cap) decodes it twice at 11 kHz: well under a minute.
ANALYSIS_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class Output:
    stdout: bytes
    stderr: str


def run_ffmpeg(args: list[str], *, timeout_s: float = ANALYSIS_TIMEOUT_S) -> Output:
    """Run ffmpeg with `args` (inputs with their demuxer forced); ProbeFailed on failure."""
    cmd = ffmpeg_argv("-hide_banner", "-nostdin", "-nostats", *args)
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        raise ProbeFailed(f"analysis took longer than {timeout_s:g} s") from None
    stderr = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        tail = "\n".join(stderr.strip().splitlines()[-5:])
        raise ProbeFailed(f"ffmpeg exited with status {done.returncode}: {tail}")
    return Output(done.stdout, stderr)
