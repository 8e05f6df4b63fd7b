"""Rendering: timeline specs become one ffmpeg filter graph; files in, file out."""

from app.media.errors import (
    ProbeFailed,
    RenderCancelled,
    RenderError,
    RenderFailed,
    RenderTimeout,
    SpecError,
)
from app.media.ffmpeg import CancelFn, ProgressFn, RunStats, ffmpeg_exe, run_graph
from app.media.graph import Filter, Graph, Pad, Source, escape_args, escape_value
from app.media.plan import Plan, make_plan
from app.media.probe import (
    AUDIO_FORMATS,
    MediaInfo,
    frame_rgb_at,
    probe,
    probe_audio,
    sniff_audio,
)
from app.media.progress import RenderProgress
from app.media.render import TimelineResult, render_gallery, render_timeline
from app.media.timeline import AssetResolver, Timeline, json_schema, parse_timeline

__all__ = [
    "AUDIO_FORMATS",
    "AssetResolver",
    "Plan",
    "RenderProgress",
    "Timeline",
    "TimelineResult",
    "json_schema",
    "make_plan",
    "parse_timeline",
    "render_gallery",
    "render_timeline",
    "CancelFn",
    "Filter",
    "Graph",
    "MediaInfo",
    "Pad",
    "ProbeFailed",
    "ProgressFn",
    "RenderCancelled",
    "RenderError",
    "RenderFailed",
    "RenderTimeout",
    "RunStats",
    "Source",
    "SpecError",
    "escape_args",
    "escape_value",
    "ffmpeg_exe",
    "frame_rgb_at",
    "probe",
    "probe_audio",
    "run_graph",
    "sniff_audio",
]
