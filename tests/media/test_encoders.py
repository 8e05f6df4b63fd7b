"""Encoders: the NVENC argument mapping, the probe's caching, and CPU codecs end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.media import parse_timeline, probe, render_timeline
from app.media.encoders import (
    EncoderChoice,
    choose_encoder,
    nvenc_available,
    output_args,
    video_args,
)


def _opt(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


@pytest.mark.parametrize(
    ("codec", "encoder", "quality", "preset", "cq"),
    [
        ("h264", "h264_nvenc", "draft", "p1", "30"),
        ("h264", "h264_nvenc", "standard", "p4", "23"),
        ("hevc", "hevc_nvenc", "high", "p6", "20"),
        ("av1", "av1_nvenc", "ultra", "p6", "20"),
    ],
)
def test_nvenc_arguments(codec: str, encoder: str, quality: str, preset: str, cq: str) -> None:
    args = output_args(EncoderChoice(codec, encoder, gpu=True), quality, 30, audio=True)
    assert _opt(args, "-c:v") == encoder
    assert (_opt(args, "-preset"), _opt(args, "-cq"), _opt(args, "-rc")) == (preset, cq, "vbr")
    assert _opt(args, "-b:v") == "0" and _opt(args, "-g") == "60"
    assert _opt(args, "-pix_fmt") == "yuv420p" and _opt(args, "-c:a") == "aac"
    assert ("-tag:v" in args) == (codec == "hevc")
    assert "-crf" not in args and "-x265-params" not in args
    assert args[-2:] == ["-f", "mp4"]


def test_cpu_arguments() -> None:
    x264 = video_args(EncoderChoice("h264", "libx264", gpu=False), "standard", 25)
    assert x264 == ["-c:v", "libx264", "-preset", "veryfast", "-crf", "21", "-g", "50",
                    "-x264-params", "sliced-threads=1:rc-lookahead=8"]
    x265 = video_args(EncoderChoice("hevc", "libx265", gpu=False), "draft", 30)
    assert _opt(x265, "-crf") == "33" and _opt(x265, "-tag:v") == "hvc1"
    svt = video_args(EncoderChoice("av1", "libsvtav1", gpu=False), "high", 60)
    assert (_opt(svt, "-preset"), _opt(svt, "-crf"), _opt(svt, "-g")) == ("7", "28", "120")


def test_probe_is_cached_and_decides_the_choice() -> None:
    first = nvenc_available("h264_nvenc")
    hits = nvenc_available.cache_info().hits
    assert nvenc_available("h264_nvenc") is first
    assert nvenc_available.cache_info().hits == hits + 1
    choice = choose_encoder("h264", prefer_gpu=True)
    assert choice.gpu is first
    assert choice.encoder == ("h264_nvenc" if first else "libx264")
    assert choose_encoder("hevc", prefer_gpu=False) == EncoderChoice("hevc", "libx265", False)


@pytest.mark.parametrize(("codec", "names"), [("hevc", {"hevc"}), ("av1", {"av1", "libdav1d"})])
def test_cpu_codecs_render(codec: str, names: set[str], resolver: Callable[[str], Path],
                           out_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    data = {"scenes": [{"kind": "card", "color": "#336699", "duration_s": 1}],
            "output": {"preset": "square", "quality": "draft", "codec": codec, "fps": 24}}
    result = render_timeline(parse_timeline(data), resolver, out_dir / "v.mp4")
    info = probe(out_dir / "v.mp4")
    assert info.video_codec in names and info.pix_fmt == "yuv420p"
    assert result.codec == codec and not result.gpu
