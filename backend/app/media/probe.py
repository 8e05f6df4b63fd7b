"""Probe media files with PyAV (the same libavformat as ffmpeg; no ffprobe binary ships)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO

import av
from PIL import ImageStat

from app.media.errors import ProbeFailed, SpecError

# Demuxers probe() may pick by itself: containers we write or accept, never playlist
# formats (hls, concat, ...) that would open further files or URLs.
PROBE_FORMATS = "mov,matroska,wav,mp3,ogg,flac"
# Sniffed kind -> demuxer name handed to libavformat instead of letting it guess.
AUDIO_FORMATS: dict[str, str] = {
    "wav": "wav",
    "mp3": "mp3",
    "ogg": "ogg",
    "flac": "flac",
    "m4a": "mov",
}
# Sniffed video container -> demuxer, forced for probes and renders alike.
VIDEO_FORMATS: dict[str, str] = {"mp4": "mov", "mov": "mov", "webm": "matroska"}
# The one sniffing window (uploads and renders): what sniff() reads from the start, and
# again from the end of an ID3v2 tag, which may be any length (cover art).
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class MediaInfo:
    """What a render or a check needs to know about a media file."""

    duration_s: float
    has_video: bool
    has_audio: bool
    width: int = 0
    height: int = 0
    fps: float = 0.0
    video_codec: str | None = None
    pix_fmt: str | None = None
    video_duration_s: float = 0.0
    audio_codec: str | None = None
    audio_duration_s: float = 0.0
    sample_rate: int = 0


def _open(path: Path, forced_format: str | None = None) -> Any:
    if not path.is_file():
        raise ProbeFailed(f"{path} is not an existing regular file")
    options = {"protocol_whitelist": "file"}
    if forced_format is None:
        options["format_whitelist"] = PROBE_FORMATS
    try:
        return av.open(f"file:{path.resolve()}", format=forced_format, container_options=options)
    except (av.FFmpegError, ValueError) as exc:
        raise ProbeFailed(f"cannot open {path}: {exc}") from exc


def _seconds(stream: Any) -> float:
    if stream.duration is None:
        return 0.0
    return float(stream.duration * stream.time_base)


def probe(path: Path, forced_format: str | None = None) -> MediaInfo:
    """Read durations, geometry, frame rate and codecs of a local media file (with the
    demuxer `forced_format`, else one of PROBE_FORMATS)."""
    with _open(path, forced_format) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        duration = container.duration / av.time_base if container.duration else 0.0
        info = MediaInfo(
            duration_s=duration, has_video=video is not None, has_audio=audio is not None
        )
        if video is not None:
            ctx = video.codec_context
            rate = video.average_rate or video.guessed_rate
            info = replace(
                info,
                width=int(ctx.width),
                height=int(ctx.height),
                fps=float(rate) if rate else 0.0,
                video_codec=str(ctx.name),
                pix_fmt=str(ctx.pix_fmt) if ctx.pix_fmt else None,
                video_duration_s=_seconds(video),
            )
        if audio is not None:
            info = replace(
                info,
                audio_codec=str(audio.codec_context.name),
                audio_duration_s=_seconds(audio),
                sample_rate=int(audio.codec_context.sample_rate or 0),
            )
    return info


def decode_first_frame(path: Path, forced_format: str) -> None:
    """Decode the first video frame with the demuxer forced; ProbeFailed if there is none."""
    with _open(path, forced_format) as container:
        if not container.streams.video:
            raise ProbeFailed(f"{path} has no video stream")
        for _ in container.decode(container.streams.video[0]):
            return
    raise ProbeFailed(f"{path} has no decodable video frame")


def frame_rgb_at(path: Path, t_s: float, *, region: float = 0.5) -> tuple[int, int, int]:
    """Mean RGB of the centred `region` (fraction of each side) of the frame nearest `t_s`."""
    if not 0 < region <= 1:
        raise ValueError("region must be in (0, 1]")
    with _open(path) as container:
        stream = container.streams.video[0]
        # Seek lands on the keyframe at or before t; decode forward from there.
        container.seek(max(0, int(t_s / stream.time_base)), stream=stream, backward=True)
        best: Any = None
        best_gap = float("inf")
        for frame in container.decode(stream):
            gap = abs(float(frame.time) - t_s)
            if gap < best_gap:
                best, best_gap = frame, gap
            elif float(frame.time) > t_s:
                break
        if best is None:
            raise ProbeFailed(f"{path} has no video frame near {t_s} s")
        image = best.to_image()
    w, h = image.size
    dx, dy = int(w * (1 - region) / 2), int(h * (1 - region) / 2)
    mean = ImageStat.Stat(image.crop((dx, dy, w - dx, h - dy))).mean
    return (round(mean[0]), round(mean[1]), round(mean[2]))


def probe_audio(path: Path, forced_format: str) -> float:
    """Duration in seconds of an audio file opened with an explicit demuxer."""
    if forced_format not in AUDIO_FORMATS.values():
        raise ValueError(f"unsupported audio demuxer {forced_format!r}")
    with _open(path, forced_format) as container:
        if not container.streams.audio:
            raise ProbeFailed(f"{path} has no audio stream")
        stream = container.streams.audio[0]
        if container.duration:
            return float(container.duration / av.time_base)
        if stream.duration:
            return _seconds(stream)
        # Some streams (raw ogg, VBR mp3 without a header) carry no duration: decode.
        end = 0.0
        for frame in container.decode(stream):
            if frame.time is not None:
                end = max(end, float(frame.time) + frame.samples / frame.sample_rate)
        return end


def sniff(fh: BinaryIO) -> tuple[str, str] | None:
    """(kind, format) of a seekable file from its content, never its name or a client's
    type: ("image", "jpeg" | "png" | "webp" | "gif"), ("audio", a key of AUDIO_FORMATS) or
    ("video", "webm"). An MP4 or MOV reads as ("audio", "m4a"): the same box structure holds
    either, so the upload decides by the streams it finds (app/services/assets/checks).

    The one sniffer of uploads and renders. Reads SNIFF_BYTES from the start and, behind
    an ID3v2 tag, SNIFF_BYTES from the tag's end (a FLAC may carry one as MP3 does);
    leaves the file at its start."""
    fh.seek(0)
    head = fh.read(SNIFF_BYTES)
    try:
        if head.startswith(b"\xff\xd8\xff"):
            return "image", "jpeg"
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return "image", "png"
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return "image", "webp"
        if head[:6] in (b"GIF87a", b"GIF89a"):
            return "image", "gif"
        if head.startswith(EBML):
            return "video", "webm"
        if head.startswith(b"ID3") and len(head) >= 10:
            fh.seek(10 + _id3_size(head))
            behind = sniff_audio(fh.read(SNIFF_BYTES))
            return "audio", "flac" if behind == "flac" else "mp3"
        audio = sniff_audio(head)
        return ("audio", audio) if audio else None
    finally:
        fh.seek(0)


EBML = b"\x1a\x45\xdf\xa3"  # Matroska and WebM


def video_demuxer(path: Path) -> str:
    """The demuxer for a stored video clip, from its magic bytes (never autodetected)."""
    with path.open("rb") as fh:
        head = fh.read(12)
    if head.startswith(EBML):
        return VIDEO_FORMATS["webm"]
    if head[4:8] == b"ftyp":
        return VIDEO_FORMATS["mp4"]
    raise SpecError("video", f"{path} is not MP4, MOV or WebM")


def _id3_size(head: bytes) -> int:
    """An ID3v2 tag's size after its 10-byte header: a 28-bit syncsafe integer."""
    return (head[6] << 21) | (head[7] << 14) | (head[8] << 7) | head[9]


def sniff_audio(head: bytes) -> str | None:
    """Audio kind ('wav', 'mp3', 'ogg', 'flac', 'm4a') from a file's first bytes, or None."""
    if head.startswith(b"ID3") and len(head) >= 10:
        # ID3v2 tag: 10-byte header, size as a 28-bit syncsafe integer. A FLAC file may
        # carry one too, so look past it when the caller gave enough bytes.
        rest = head[10 + _id3_size(head) :]
        return "flac" if rest.startswith(b"fLaC") else "mp3"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"fLaC"):
        return "flac"
    if head[4:8] == b"ftyp":
        return "m4a"
    # MPEG audio frame sync: 11 set bits; layer bits 00 would be AAC ADTS, not MP3.
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return "mp3"
    return None


def audio_demuxer(path: Path) -> str:
    """The demuxer for an audio file, chosen from its magic bytes."""
    if not path.is_file():
        raise SpecError("audio", f"{path} is not an existing regular file")
    with path.open("rb") as fh:
        found = sniff(fh)
    if found is None or found[0] != "audio":
        raise SpecError("audio", f"{path} is not WAV, MP3, Ogg, FLAC or M4A")
    return AUDIO_FORMATS[found[1]]
