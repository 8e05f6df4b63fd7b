"""Platform optimisation: a reel re-encoded to a platform's frame, caps and caption rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.content import Platform, Script, hashtags
from app.core.platforms import spec
from app.media import CancelFn, Graph, ProgressFn, probe, run_graph
from app.media.graph import Args
from app.media.presets import frame_for
from app.media.timeline import Quality

X264 = {"draft": ("veryfast", 28), "standard": ("veryfast", 23), "high": ("medium", 20)}
AUDIO_KBPS = 128
FADE_S = 0.5  # a trimmed reel fades out instead of stopping mid-word
ASPECT_CROP_LIMIT = 0.2  # frames closer than this in aspect are cropped, others padded


@dataclass(frozen=True)
class Encoded:
    path: Path
    duration_s: float
    width: int
    height: int
    size_bytes: int
    trimmed: bool
    video_kbps_cap: int


def _fit(src_w: int, src_h: int, width: int, height: int) -> list[tuple[str, Args]]:
    """Crop to fill when the aspects are close, else fit inside and pad (no lost content)."""
    ratio = (src_w / src_h) / (width / height)
    if abs(ratio - 1) <= ASPECT_CROP_LIMIT:
        return [("scale", {"w": width, "h": height, "force_original_aspect_ratio": "increase"}),
                ("crop", {"w": width, "h": height})]
    return [("scale", {"w": width, "h": height, "force_original_aspect_ratio": "decrease"}),
            ("pad", {"w": width, "h": height, "x": "(ow-iw)/2", "y": "(oh-ih)/2"})]


def optimise(source: Path, output: Path, *, platform: Platform, quality: Quality,
             on_progress: ProgressFn | None = None, should_cancel: CancelFn | None = None,
             timeout_s: float = 1800) -> Encoded:
    """Re-encode `source` into the platform's frame, trimmed to its longest length."""
    rules = spec(platform)  # upload limits: app/core/platforms.py
    frame = frame_for(platform, quality)
    info = probe(source)
    length = min(info.duration_s, rules.max_duration_s)
    trimmed = info.duration_s > rules.max_duration_s
    kbps = max(500, round(rules.video_kbps_1080p * frame.width * frame.height / (1080 * 1920)))
    graph = Graph()
    src = graph.source(source)
    steps = _fit(info.width, info.height, frame.width, frame.height)
    video = graph.chain(src.video, [*steps, ("setsar", ["1"]), ("format", ["yuv420p"]),
                                    ("trim", {"duration": length}), ("setpts", ["PTS-STARTPTS"])])
    graph.output(video)
    if info.has_audio:
        fade: list[tuple[str, Args]] = [
            ("afade", {"t": "out", "st": max(0.0, length - FADE_S), "d": FADE_S})]
        audio = graph.chain(src.audio, [("atrim", {"duration": length}),
                                        ("asetpts", ["PTS-STARTPTS"]), *(fade if trimmed else [])])
        graph.output(audio)
    preset, crf = X264[quality]
    args = ["-c:v", "libx264", "-preset", preset, "-crf", str(crf),
            "-maxrate", f"{kbps}k", "-bufsize", f"{2 * kbps}k", "-pix_fmt", "yuv420p",
            "-r", str(round(info.fps) or 30), "-colorspace", "bt709", "-color_primaries",
            "bt709", "-color_trc", "bt709"]
    if info.has_audio:
        args += ["-c:a", "aac", "-b:a", f"{AUDIO_KBPS}k", "-ar", "48000"]
    run_graph(graph, output, output_args=[*args, "-movflags", "+faststart", "-f", "mp4"],
              total_s=length, stage="optimise", on_progress=on_progress,
              should_cancel=should_cancel, timeout_s=timeout_s)
    done = probe(output)
    return Encoded(output, done.duration_s, done.width, done.height, output.stat().st_size,
                   trimmed, kbps)


def caption_for(platform: Platform, title: str, source: Script | str,
                credit: str | None = None) -> tuple[str, list[str]]:
    """The post text and its hashtags, within the platform's caption length; `credit` (the
    attribution the licences ask for) closes the text whole, the rest yields room to it."""
    tags = hashtags(source, platform)
    limit = spec(platform).caption_chars
    if credit:
        limit = max(1, limit - len(credit) - 2)
    while tags and len(f"{title} {' '.join(tags)}") > limit:
        tags.pop()
    text = f"{title}\n\n{' '.join(tags)}" if tags else title
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return (f"{text}\n\n{credit}" if credit else text), tags
