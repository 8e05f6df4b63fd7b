"""Media made from ffmpeg's own sources (lavfi): the seeded library's music beds and
background clips, and inputs of known properties. No files in, no network."""

from __future__ import annotations

from pathlib import Path

from app.media.analysis.run import run_ffmpeg

AUDIO_RATE = 44100


def click_track(dest: Path, *, bpm: float, seconds: float) -> Path:
    """A WAV of 10 ms 1 kHz clicks, one every beat."""
    period = 60.0 / bpm
    expr = f"if(lt(mod(t\\,{period:.6f})\\,0.01)\\,0.8*sin(2*PI*1000*t)\\,0)"
    run_ffmpeg(["-f", "lavfi", "-i", f"aevalsrc={expr}:s={AUDIO_RATE}:d={seconds}",
                "-c:a", "pcm_s16le", "-y", str(dest)])
    return dest


def music_bed(dest: Path, *, bpm: float, seconds: float, pitch_hz: float, bright: bool,
              level: float) -> Path:
    """An M4A bed: a pad at `pitch_hz` (a fifth above too) under a decaying pulse every beat,
    with a noise hat on each beat when `bright`; `level` (0..1) scales the whole."""
    period = 60.0 / bpm
    pad = f"0.25*sin(2*PI*{pitch_hz}*t)+0.15*sin(2*PI*{pitch_hz * 1.5:.3f}*t)"
    pulse = f"0.6*sin(2*PI*{pitch_hz / 2:.3f}*t)*exp(-12*mod(t\\,{period:.6f}))"
    hat = (f"+0.8*(random(0)*2-1)*exp(-10*mod(t\\,{period:.6f}))"
           if bright else "")
    expr = f"{level:.3f}*({pad}+{pulse}{hat})"
    run_ffmpeg(["-f", "lavfi", "-i", f"aevalsrc={expr}:s={AUDIO_RATE}:d={seconds}",
                "-ac", "2", "-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart",
                "-y", str(dest)])
    return dest


def _encode(source: str, dest: Path) -> list[str]:
    return ["-f", "lavfi", "-i", source, "-c:v", "libx264", "-preset", "veryfast",
            "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-y", str(dest)]


def gradient_clip(dest: Path, *, width: int, height: int, seconds: float,
                  speed_px_s: float, hue: int = 0) -> Path:
    """An MP4 of a horizontal gradient moving left to right at `speed_px_s` (0: a still)."""
    lum = f"mod(X+W-{speed_px_s:g}*T\\,W)*255/W"
    cb, cr = (128 + hue) % 256, (128 - hue) % 256
    source = (f"color=s={width}x{height}:r=25:d={seconds},"
              f"geq=lum='{lum}':cb={cb}:cr={cr}")
    run_ffmpeg(_encode(source, dest))
    return dest


def particles_clip(dest: Path, *, width: int, height: int, seconds: float, seed: int) -> Path:
    """An MP4 of drifting specks on a dark field (ffmpeg's cellular automaton, blurred)."""
    source = (f"cellauto=s={width // 4}x{height // 4}:rule=110:seed={seed}:r=25,"
              f"scale={width}:{height}:flags=neighbor,gblur=sigma=2,"
              f"colorchannelmixer=rr=0.3:gg=0.5:bb=0.9,trim=duration={seconds}")
    run_ffmpeg(_encode(source, dest))
    return dest
