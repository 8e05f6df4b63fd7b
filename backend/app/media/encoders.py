"""Encoder choice and arguments: x264 / x265 / SVT-AV1 on CPU, NVENC where a probe proves it.

Detection is a real encode (one 64x64 frame through the NVENC encoder, to the null
muxer), cached per process: a build flag or a visible /dev/nvidia* says nothing about
whether the driver, the session limit and the GPU's encoder block actually work.
"""

from __future__ import annotations

import functools
import subprocess
from dataclasses import dataclass

from app.media.ffmpeg import ffmpeg_argv

CPU_ENCODERS = {"h264": "libx264", "hevc": "libx265", "av1": "libsvtav1"}
GPU_ENCODERS = {"h264": "h264_nvenc", "hevc": "hevc_nvenc", "av1": "av1_nvenc"}
PROBE_TIMEOUT_S = 20.0

# Per quality: (x264/x265 preset, CRF) -- x265's CRF scale sits ~5 above x264's for the
# same look, SVT-AV1 (preset, CRF) on its 0..63 scale, NVENC (preset, CQ).
X26X = {"draft": ("ultrafast", 28), "standard": ("veryfast", 21), "high": ("medium", 18),
        "ultra": ("faster", 18)}
# x264 memory is frames held x frame size: each frame thread keeps frames in flight and
# the lookahead keeps rc-lookahead frames (with half-pel planes, ~10 MB each at 1080p).
# At `standard`, slice threads and an 8-frame lookahead cut the render's peak from 396
# to 298 MB (10-photo 1080p benchmark) at the same VMAF as the floor and 3 % fewer bits.
X264_PARAMS = {"standard": "sliced-threads=1:rc-lookahead=8"}
SVT_AV1 = {"draft": (12, 40), "standard": (10, 32), "high": (7, 28), "ultra": (8, 28)}
NVENC = {"draft": ("p1", 30), "standard": ("p4", 23), "high": ("p6", 20), "ultra": ("p6", 20)}


@dataclass(frozen=True)
class EncoderChoice:
    codec: str
    encoder: str
    gpu: bool


@functools.cache
def nvenc_available(encoder: str = "h264_nvenc") -> bool:
    """True if a one-frame 64x64 encode with `encoder` succeeds on this machine."""
    cmd = ffmpeg_argv("-hide_banner", "-nostdin", "-loglevel", "error",
                      "-f", "lavfi", "-i", "color=c=black:s=64x64:r=1:d=1", "-frames:v", "1",
                      "-c:v", encoder, "-f", "null", "-")
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=PROBE_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def choose_encoder(codec: str, *, prefer_gpu: bool) -> EncoderChoice:
    """NVENC when asked for and a probe encode works, else the CPU encoder of the codec."""
    if prefer_gpu and nvenc_available(GPU_ENCODERS[codec]):
        return EncoderChoice(codec, GPU_ENCODERS[codec], gpu=True)
    return EncoderChoice(codec, CPU_ENCODERS[codec], gpu=False)


def video_args(choice: EncoderChoice, quality: str, fps: int) -> list[str]:
    """Encoder options for a quality; keyframes every 2 s for seeking and platform ingest."""
    gop = str(2 * fps)
    if choice.gpu:
        preset, cq = NVENC[quality]
        args = ["-c:v", choice.encoder, "-preset", preset, "-tune", "hq", "-rc", "vbr",
                "-cq", str(cq), "-b:v", "0", "-g", gop, "-bf", "2" if choice.codec != "av1"
                else "0"]
        if choice.codec == "h264":
            args += ["-profile:v", "high"]
    elif choice.codec == "av1":
        preset_n, crf = SVT_AV1[quality]
        args = ["-c:v", choice.encoder, "-preset", str(preset_n), "-crf", str(crf),
                "-g", gop, "-svtav1-params", "tune=0"]
    else:
        preset_name, crf = X26X[quality]
        crf += 5 if choice.codec == "hevc" else 0
        args = ["-c:v", choice.encoder, "-preset", preset_name, "-crf", str(crf), "-g", gop]
        if choice.codec == "h264" and quality in X264_PARAMS:
            args += ["-x264-params", X264_PARAMS[quality]]
        if choice.codec == "hevc":
            args += ["-x265-params", "log-level=error"]
    if choice.codec == "hevc":
        args += ["-tag:v", "hvc1"]  # Apple players refuse HEVC in MP4 tagged hev1
    return args


def output_args(choice: EncoderChoice, quality: str, fps: int, *, audio: bool) -> list[str]:
    """Encoder and muxer options: yuv420p BT.709, AAC 48 kHz, moov atom up front."""
    args = video_args(choice, quality, fps)
    args += ["-pix_fmt", "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709",
             "-color_trc", "bt709", "-color_range", "tv"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "192k", "-ar", "48000"]
    return [*args, "-movflags", "+faststart", "-f", "mp4"]
