"""Checks on uploaded bytes (sniffed by app.media.probe.sniff): cap pixels and duration,
normalise images."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import AppError
from app.media.probe import AUDIO_FORMATS, probe_audio

# Pillow's own bomb guard fires only on decode; our cap is checked on the header first.
Image.MAX_IMAGE_PIXELS = None
MAX_STORED_SIDE = 4096
MIN_AUDIO_S = 0.5  # shorter "tracks" are headers with nothing behind them

AUDIO_CONTENT_TYPES = {
    "wav": "audio/wav", "mp3": "audio/mpeg", "ogg": "audio/ogg", "flac": "audio/flac",
    "m4a": "audio/mp4",
}


@dataclass(frozen=True)
class Checked:
    kind: str
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None


# Modes Pillow resizes well as they are; the rest ("P" and "1" resize by nearest neighbour,
# 16-bit and float greys) become RGB first, at full size.
_RESIZABLE_MODES = {"RGB", "RGBA", "L", "LA", "CMYK"}


def normalise_image(source: Path, dest: Path, *, max_pixels: int) -> Checked:
    """Decode under a pixel cap, apply EXIF rotation and re-encode as a clean RGB JPEG.

    A GIF, animated or not, becomes its first frame (docs/faults.md, "Inputs people really
    send"): only that frame is decoded, at the size of the GIF's logical screen, which is
    what the pixel cap reads.

    Memory: the full-size decode is held once. A JPEG decodes scaled down from the DCT
    where the stored size allows (thumbnail's draft), and the shrink happens before the
    rotation and the RGB conversion, which then copy only the stored size. A 40 MP PNG
    peaks near 285 MB here, where rotating and converting first held three full copies."""
    try:
        with Image.open(source, formats=["JPEG", "PNG", "WEBP", "GIF"]) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise AppError("image_too_large",
                               f"file: {width}x{height} exceeds the cap of {max_pixels} pixels",
                               422, field="file")
            shrunk = image if image.mode in _RESIZABLE_MODES else image.convert("RGB")
            # 4096 px covers a 2160p frame; larger stills only cost render memory. The box
            # is square, so shrinking before the EXIF rotation bounds the rotated size too.
            shrunk.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
            upright = ImageOps.exif_transpose(shrunk).convert("RGB")
            del shrunk
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise AppError("invalid_image", f"file: not a decodable image ({exc})", 422,
                       field="file") from None
    if upright.size[0] < 16 or upright.size[1] < 16:
        raise AppError("image_too_small", "file: images must be at least 16x16", 422, field="file")
    upright.save(dest, "JPEG", quality=92, optimize=False)
    return Checked("image", "image/jpeg", "jpg", width=upright.size[0], height=upright.size[1])


def check_audio(source: Path, fmt: str, *, max_duration_s: float) -> Checked:
    """Probe with the sniffed demuxer forced, so no playlist or URL is ever followed."""
    try:
        duration = probe_audio(source, AUDIO_FORMATS[fmt])
    except Exception as exc:
        raise AppError("invalid_audio", f"file: not a decodable {fmt} audio file ({exc})", 422,
                       field="file") from None
    if not MIN_AUDIO_S <= duration <= max_duration_s:
        raise AppError("audio_duration",
                       f"file: duration {duration:.2f} s is outside {MIN_AUDIO_S}-"
                       f"{max_duration_s:.0f} s", 422, field="file")
    return Checked("audio", AUDIO_CONTENT_TYPES[fmt], fmt, duration_s=round(duration, 3))
