"""Inputs for renderer tests, generated per test: Pillow images and ffmpeg-made tones."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest
from PIL import Image

from app.media import ffmpeg_exe
from tests.media.colours import RGB

# Codec options per container for the generated tone.
_TONE_CODECS = {
    "wav": ["-c:a", "pcm_s16le"],
    "mp3": ["-c:a", "libmp3lame"],
    "ogg": ["-c:a", "libvorbis"],
    "flac": ["-c:a", "flac"],
    "m4a": ["-c:a", "aac"],
}


@pytest.fixture
def make_image(tmp_path: Path) -> Callable[..., Path]:
    """Factory: a solid-colour JPEG or PNG of a given size in tmp_path/inputs."""
    folder = tmp_path / "inputs"
    folder.mkdir(exist_ok=True)

    def make(
        color: RGB, size: tuple[int, int] = (400, 300), fmt: str = "PNG", name: str | None = None
    ) -> Path:
        ext = "jpg" if fmt == "JPEG" else fmt.lower()
        path = folder / (name or f"{len(list(folder.iterdir()))}.{ext}")
        Image.new("RGB", size, color).save(path, fmt)
        return path

    return make


@pytest.fixture
def make_tone(tmp_path: Path) -> Callable[..., Path]:
    """Factory: a sine tone of `seconds`, encoded by the ffmpeg binary from lavfi."""
    folder = tmp_path / "inputs"
    folder.mkdir(exist_ok=True)

    def make(seconds: float, kind: str = "wav", extra: tuple[str, ...] = ()) -> Path:
        path = folder / f"tone-{seconds:g}-{len(list(folder.iterdir()))}.{kind}"
        cmd = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=44100:duration={seconds}",
            *_TONE_CODECS[kind],
            *extra,
            str(path),
        ]
        subprocess.run(cmd, check=True, timeout=60)
        return path

    return make


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty directory that only the render under test writes to."""
    path = tmp_path / "out"
    path.mkdir()
    return path


@pytest.fixture
def live_ffmpeg() -> Callable[[], list[int]]:
    """Returns a check listing pids of ffmpeg processes this test process still has."""
    me = psutil.Process()
    exe = os.path.realpath(ffmpeg_exe())

    def alive() -> list[int]:
        pids = []
        for child in me.children(recursive=True):
            try:
                if child.status() != psutil.STATUS_ZOMBIE and child.exe() == exe:
                    pids.append(child.pid)
            except psutil.NoSuchProcess:
                continue
        return pids

    return alive


@pytest.fixture
def make_clip(tmp_path: Path) -> Callable[..., Path]:
    """Factory: an H.264 clip of solid colours, `seconds_each` per colour, at 25 fps."""
    folder = tmp_path / "inputs"
    folder.mkdir(exist_ok=True)

    def make(colours: list[RGB], seconds_each: float = 1.0, size: str = "320x240") -> Path:
        path = folder / f"clip-{len(list(folder.iterdir()))}.mp4"
        inputs: list[str] = []
        for r, g, b in colours:
            colour = f"0x{r:02x}{g:02x}{b:02x}"
            inputs += ["-f", "lavfi", "-i", f"color=c={colour}:s={size}:r=25:d={seconds_each}"]
        n = len(colours)
        graph = "".join(f"[{i}:v]" for i in range(n)) + f"concat=n={n}:v=1:a=0[v]"
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *inputs,
               "-filter_complex", graph, "-map", "[v]", "-c:v", "libx264", "-preset",
               "ultrafast", "-pix_fmt", "yuv420p", str(path)]
        subprocess.run(cmd, check=True, timeout=60)
        return path

    return make


@pytest.fixture
def resolver(tmp_path: Path) -> Callable[[str], Path]:
    """Asset ids are file names in tmp_path/inputs (where the factories write)."""
    folder = tmp_path / "inputs"

    def resolve(asset: str) -> Path:
        path = folder / asset
        if not path.exists():
            raise KeyError(asset)
        return path

    return resolve
