"""Checks on uploaded bytes (sniffed by app.media.probe.sniff): cap pixels and duration,
normalise images, probe audio and video clips with their demuxer forced."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import cast

from PIL import Image, ImageOps, UnidentifiedImageError

from app.core.errors import AppError
from app.media.probe import AUDIO_FORMATS, VIDEO_FORMATS, decode_first_frame, probe, probe_audio

# Pillow's own bomb guard fires only on decode; our cap is checked on the header first.
Image.MAX_IMAGE_PIXELS = None
MAX_STORED_SIDE = 4096
MIN_AUDIO_S = 0.5  # shorter "tracks" are headers with nothing behind them
MIN_VIDEO_S = 0.1  # a frame or two; less is a header with nothing behind it

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


def _transparent(image: Image.Image) -> bool:
    """True for a mode that can carry transparency (a palette with a transparent index)."""
    return image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info)


def normalise_image(source: Path, dest: Path, *, max_pixels: int) -> Checked:
    """Decode under a pixel cap, apply EXIF rotation and re-encode as a clean RGB JPEG, or
    as an RGBA PNG when some pixel is not opaque (a logo: its transparency is what a
    watermark draws with, docs/render.md).

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
            alpha = _transparent(image)
            shrunk = image if image.mode in _RESIZABLE_MODES else image.convert(
                "RGBA" if alpha else "RGB")
            # 4096 px covers a 2160p frame; larger stills only cost render memory. The box
            # is square, so shrinking before the EXIF rotation bounds the rotated size too.
            shrunk.thumbnail((MAX_STORED_SIDE, MAX_STORED_SIDE), Image.Resampling.LANCZOS)
            upright = ImageOps.exif_transpose(shrunk).convert("RGBA" if alpha else "RGB")
            del shrunk
            if alpha:  # one band's extrema: (lowest, highest)
                lowest = cast(tuple[int, int], upright.getchannel("A").getextrema())[0]
                alpha = lowest < 255
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise AppError("invalid_image", f"file: not a decodable image ({exc})", 422,
                       field="file") from None
    if upright.size[0] < 16 or upright.size[1] < 16:
        raise AppError("image_too_small", "file: images must be at least 16x16", 422, field="file")
    if alpha:
        upright.save(dest, "PNG")
        return Checked("image", "image/png", "png", width=upright.size[0],
                       height=upright.size[1])
    if upright.mode != "RGB":  # an opaque RGBA: its alpha says nothing
        upright = upright.convert("RGB")
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


def container_kind(source: Path, declared: str | None) -> str:
    """"video" or "audio" for an MP4/MOV box structure, which holds either: the declared
    kind where given, else video when a video stream is there."""
    if declared in ("audio", "video"):
        return declared
    try:
        return "video" if probe(source, VIDEO_FORMATS["mp4"]).has_video else "audio"
    except Exception:
        return "audio"  # check_audio then says what is wrong with it


def _video_brand(source: Path) -> str:
    """mp4 or mov, from the major brand of the ftyp box ("qt  " is QuickTime)."""
    with source.open("rb") as fh:
        head = fh.read(12)
    return "mov" if head[8:12] == b"qt  " else "mp4"


VIDEO_CONTENT_TYPES = {"mp4": "video/mp4", "mov": "video/quicktime", "webm": "video/webm"}


def check_video(source: Path, fmt: str, *, max_duration_s: float,
                max_pixels: int) -> Checked:
    """Probe a clip with its demuxer forced (no playlist, URL or other file is followed),
    cap its frame size and duration, and decode its first frame. The clip is stored as
    sent; renders read it with the same forced demuxer and protocol whitelist."""
    fmt = _video_brand(source) if fmt == "m4a" else fmt
    try:
        info = probe(source, VIDEO_FORMATS[fmt])
        if not info.has_video:
            raise ValueError("no video stream")
        if info.width * info.height > max_pixels:
            raise AppError("video_too_large",
                           f"file: {info.width}x{info.height} frames exceed the cap of "
                           f"{max_pixels} pixels", 422, field="file")
        duration = info.duration_s or info.video_duration_s
        if not MIN_VIDEO_S <= duration <= max_duration_s:
            raise AppError("video_duration",
                           f"file: duration {duration:.2f} s is outside {MIN_VIDEO_S}-"
                           f"{max_duration_s:.0f} s", 422, field="file")
        # one frame decoded, so a codec ffmpeg cannot read fails here, not in a render
        decode_first_frame(source, VIDEO_FORMATS[fmt])
    except AppError:
        raise
    except Exception as exc:
        raise AppError("invalid_video", f"file: not a decodable {fmt} video ({exc})", 422,
                       field="file") from None
    return Checked("video", VIDEO_CONTENT_TYPES[fmt], fmt, width=info.width,
                   height=info.height, duration_s=round(duration, 3))

