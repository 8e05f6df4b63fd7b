"""What a clip or an image measures: orientation, dominant colours, motion level and scene
cuts; and a thumbnail JPEG (a middle frame: no face detection, no network)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image

from app.media.analysis.colours import dominant_colours
from app.media.analysis.run import run_ffmpeg

SAMPLE_FPS = 4  # frames a second looked at for motion and colour
SAMPLE_SIZE = 64  # each looked-at frame shrunk to 64x64 (aspect ignored: only statistics)
SCENE_THRESHOLD = 0.4  # ffmpeg's scene score (0..1) above which a frame starts a new shot
ANALYSED_S = 120.0  # clips are capped at a minute on upload; a bound all the same
THUMBNAIL_WIDTH = 480
SQUARE_TOLERANCE = 0.1  # 1:1 +- 10 % reads as square
_SCENE_TIME = re.compile(r"pts_time:([\d.]+)")


@dataclass(frozen=True)
class VisualFeatures:
    width: int
    height: int
    orientation: str  # portrait | landscape | square
    colours: list[str] = field(default_factory=list)
    motion: float = 0.0  # mean absolute grey-level change between looked-at frames, 0..255
    scene_cuts: int = 0
    cut_times_s: list[float] = field(default_factory=list)


def orientation(width: int, height: int) -> str:
    """portrait, landscape or square, from the frame's width and height."""
    ratio = width / height if height else 1.0
    if abs(ratio - 1.0) <= SQUARE_TOLERANCE:
        return "square"
    return "landscape" if ratio > 1.0 else "portrait"


def _frames(path: Path, demuxer: str) -> np.ndarray:
    out = run_ffmpeg(["-f", demuxer, "-i", f"file:{path}", "-t", str(ANALYSED_S), "-an",
                      "-vf", f"fps={SAMPLE_FPS},scale={SAMPLE_SIZE}:{SAMPLE_SIZE}:flags=area",
                      "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
    frame_bytes = SAMPLE_SIZE * SAMPLE_SIZE * 3
    count = len(out.stdout) // frame_bytes
    return np.frombuffer(out.stdout[: count * frame_bytes], dtype=np.uint8).reshape(
        count, SAMPLE_SIZE, SAMPLE_SIZE, 3)


def motion_level(frames: np.ndarray) -> float:
    """Mean absolute change of grey level between consecutive frames (0 for a still)."""
    if len(frames) < 2:
        return 0.0
    grey = frames.astype(np.float32) @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return float(np.abs(np.diff(grey, axis=0)).mean())


def scene_cuts(path: Path, demuxer: str) -> list[float]:
    """Times (s) where ffmpeg's scene score says a new shot starts."""
    out = run_ffmpeg(["-f", demuxer, "-i", f"file:{path}", "-t", str(ANALYSED_S), "-an",
                      "-vf", f"scale=160:-2,select='gt(scene\\,{SCENE_THRESHOLD})',showinfo",
                      "-f", "null", "-"])
    return [round(float(t), 3) for t in _SCENE_TIME.findall(out.stderr)]


def analyse_clip(path: Path, demuxer: str, *, width: int, height: int) -> VisualFeatures:
    """Measure a video clip whose demuxer the caller sniffed."""
    frames = _frames(path, demuxer)
    cuts = scene_cuts(path, demuxer)
    return VisualFeatures(width=width, height=height, orientation=orientation(width, height),
                          colours=dominant_colours(frames), motion=round(motion_level(frames), 3),
                          scene_cuts=len(cuts), cut_times_s=cuts)


def analyse_image(path: Path) -> VisualFeatures:
    """Measure a still image (stored as a JPEG the server wrote)."""
    with Image.open(path) as image:
        width, height = image.size
        small = image.convert("RGB").resize((SAMPLE_SIZE, SAMPLE_SIZE), Image.Resampling.BOX)
        pixels = np.asarray(small, dtype=np.uint8)[np.newaxis]
    return VisualFeatures(width=width, height=height, orientation=orientation(width, height),
                          colours=dominant_colours(pixels))


def clip_thumbnail(path: Path, demuxer: str, duration_s: float, dest: Path) -> Path:
    """A JPEG of the clip's middle frame, at most THUMBNAIL_WIDTH wide."""
    middle = max(0.0, duration_s / 2)
    run_ffmpeg(["-ss", f"{middle:.3f}", "-f", demuxer, "-i", f"file:{path}", "-frames:v", "1",
                "-vf", f"scale='min({THUMBNAIL_WIDTH},iw)':-2", "-q:v", "4", "-y", str(dest)])
    if not dest.is_file() or dest.stat().st_size == 0:  # seek past the last frame: the first
        run_ffmpeg(["-f", demuxer, "-i", f"file:{path}", "-frames:v", "1", "-vf",
                    f"scale='min({THUMBNAIL_WIDTH},iw)':-2", "-q:v", "4", "-y", str(dest)])
    return dest


def image_thumbnail(path: Path, dest: Path) -> Path:
    """A JPEG of the image, at most THUMBNAIL_WIDTH wide."""
    with Image.open(path) as image:
        small = image.convert("RGB")
    small.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 4))
    small.save(dest, "JPEG", quality=85)
    return dest
