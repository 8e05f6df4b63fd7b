"""From a timeline to whole frames: scene lengths, transitions, target duration, assets.

Scene boundaries are rounded on the cumulative time line, so rounding never drifts;
a target duration scales the still scenes (images, cards) until the frame count is
exact. Video lengths are known only after probing, so the checks that need them run
in `make_plan` as well as in the model validator.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.media.errors import ProbeFailed, SpecError
from app.media.pictures import check_image
from app.media.presets import Frame, frame_for
from app.media.probe import audio_demuxer, probe, probe_audio
from app.media.timeline import (
    AssetResolver,
    Scene,
    Timeline,
    nominal_seconds,
    transition_field,
    transition_of,
)
from app.media.transition_kinds import CUT, RANDOM, RANDOM_POOL


@dataclass(frozen=True)
class ScenePlan:
    index: int
    scene: Scene
    frames: int
    path: Path | None  # None for cards
    source_s: float = 0.0  # usable seconds of a video clip from in_s


@dataclass(frozen=True)
class Plan:
    """A timeline with every length in whole frames and every asset a checked local file."""

    timeline: Timeline
    frame: Frame
    fps: int
    scenes: tuple[ScenePlan, ...]
    transitions: tuple[tuple[str, int], ...]  # (xfade kind or "none", frames) after scene i
    voice: Path | None
    voice_s: float
    music: Path | None
    watermark: Path | None = None

    @property
    def total_frames(self) -> int:
        return sum(s.frames for s in self.scenes) - sum(f for _, f in self.transitions)

    @property
    def total_s(self) -> float:
        return self.total_frames / self.fps

    def overlaps(self, index: int) -> tuple[int, int]:
        """Frames scene `index` shares with the scene before and the scene after it."""
        head = self.transitions[index - 1][1] if index > 0 else 0
        tail = self.transitions[index][1] if index < len(self.transitions) else 0
        return head, tail

    @property
    def segmented(self) -> bool:
        """True if every scene outlasts both of its transitions, so xfade sees only overlaps."""
        return all(sp.frames >= sum(self.overlaps(sp.index)) for sp in self.scenes)

    def start_frame(self, index: int) -> int:
        """The output frame at which scene `index` begins (its incoming transition included)."""
        return sum(s.frames for s in self.scenes[:index]) - sum(
            f for _, f in self.transitions[:index])


def _resolve(resolver: AssetResolver, asset: str, field: str) -> Path:
    try:
        path = resolver(asset)
    except (KeyError, LookupError, FileNotFoundError):
        raise SpecError(field, f"unknown asset {asset!r}") from None
    if not path.is_file():
        raise SpecError(field, f"asset {asset!r} has no file at {path}")
    return path


def _audio_seconds(path: Path, field: str) -> float:
    try:
        seconds = probe_audio(path, audio_demuxer(path))
    except SpecError as exc:
        raise SpecError(field, exc.reason) from None
    except ProbeFailed as exc:
        raise SpecError(field, str(exc)) from None
    if seconds <= 0:
        raise SpecError(field, f"{path.name} has no audio samples")
    return seconds


def _video_seconds(path: Path, field: str) -> float:
    try:
        info = probe(path)
    except ProbeFailed as exc:
        raise SpecError(field, str(exc)) from None
    if not info.has_video:
        raise SpecError(field, f"{path.name} has no video stream")
    return info.video_duration_s or info.duration_s


def _grid(seconds: Sequence[float], fps: int, total: int | None = None) -> list[int]:
    """Whole frames per span, rounded on the cumulative line; scaled to `total` if given."""
    scale = 1.0 if total is None else total / (sum(seconds) * fps)
    frames, cum, edge = [], 0.0, 0
    for s in seconds:
        cum += s * fps * scale
        nxt = round(cum)
        frames.append(nxt - edge)
        edge = nxt
    return frames


def _transitions(timeline: Timeline, fps: int) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []
    for i in range(len(timeline.scenes) - 1):
        tr = transition_of(timeline, i)
        kind: str = tr.kind
        if kind == RANDOM:
            # One generator per boundary: editing one scene leaves the others' draws alone.
            kind = random.Random(timeline.seed * 1_000_003 + i).choice(RANDOM_POOL)
        frames = 0 if kind == CUT else max(1, round(tr.duration_s * fps))
        out.append((kind, frames))
    return out


def make_plan(timeline: Timeline, resolver: AssetResolver) -> Plan:
    """Resolve and check every asset, then fix every length in frames."""
    out = timeline.output
    fps = out.fps
    paths: list[Path | None] = []
    seconds: list[float] = []
    sources: list[float] = []
    for i, scene in enumerate(timeline.scenes):
        if scene.kind == "card":
            paths.append(None)
            seconds.append(scene.duration_s)
            sources.append(0.0)
            continue
        path = _resolve(resolver, scene.asset, f"scenes.{i}.asset")
        paths.append(path)
        if scene.kind == "image":
            check_image(path, f"scenes.{i}.asset")
            seconds.append(scene.duration_s)
            sources.append(0.0)
            continue
        available = _video_seconds(path, f"scenes.{i}.asset") - scene.in_s
        if available <= 0:
            raise SpecError(f"scenes.{i}.in_s", f"is past the end of the clip ({available:g})")
        if scene.out_s is not None:
            available = min(available, scene.out_s - scene.in_s)
        length = nominal_seconds(scene)
        seconds.append(length if length is not None else available)
        sources.append(available)
    transitions = _transitions(timeline, fps)
    overlap = sum(f for _, f in transitions)
    if out.duration_s is None:
        frames = _grid(seconds, fps)
    else:
        frames = _fit_target(timeline, seconds, fps, overlap)
    for i, count in enumerate(frames):
        if count < 1:
            raise SpecError(f"scenes.{i}.duration_s", "must last at least one frame")
    for i, (kind, t) in enumerate(transitions):
        if kind != CUT and (t >= frames[i] or t >= frames[i + 1]):
            raise SpecError(f"{transition_field(timeline, i)}.duration_s",
                            "must be shorter than the scenes on either side"
                            + (" after fitting output.duration_s" if out.duration_s else ""))
    voice, voice_s, music = None, 0.0, None
    if timeline.audio is not None:
        if timeline.audio.voice is not None:
            voice = _resolve(resolver, timeline.audio.voice.asset, "audio.voice.asset")
            voice_s = _audio_seconds(voice, "audio.voice.asset")
        if timeline.audio.music is not None:
            music = _resolve(resolver, timeline.audio.music.asset, "audio.music.asset")
            _audio_seconds(music, "audio.music.asset")
    watermark = None
    if timeline.watermark is not None:
        watermark = _resolve(resolver, timeline.watermark.asset, "watermark.asset")
        check_image(watermark, "watermark.asset")
    plan = Plan(
        timeline=timeline, frame=frame_for(out.preset, out.quality), fps=fps,
        scenes=tuple(ScenePlan(i, s, f, p, src) for i, (s, f, p, src)
                     in enumerate(zip(timeline.scenes, frames, paths, sources, strict=True))),
        transitions=tuple(transitions), voice=voice, voice_s=voice_s, music=music,
        watermark=watermark,
    )
    if voice is not None and timeline.audio is not None and timeline.audio.voice is not None:
        # The voice is never cut: the video must outlast it (half a frame of slack).
        end = timeline.audio.voice.start_s + voice_s
        if end > plan.total_s + 0.5 / fps:
            field = "output.duration_s" if out.duration_s else "audio.voice"
            raise SpecError(field, f"the voice-over ends at {end:.2f} s, after the video "
                                   f"({plan.total_s:.2f} s); lengthen the scenes or set "
                                   "output.duration_s")
    return plan


def _fit_target(timeline: Timeline, seconds: list[float], fps: int, overlap: int) -> list[int]:
    """Scale the still scenes so that the frames add up to output.duration_s exactly."""
    assert timeline.output.duration_s is not None
    target = round(timeline.output.duration_s * fps)
    flexible = [i for i, s in enumerate(timeline.scenes) if s.kind != "video"]
    if not flexible:
        flexible = list(range(len(seconds)))
    fixed = [i for i in range(len(seconds)) if i not in flexible]
    fixed_frames = dict(zip(fixed, _grid([seconds[i] for i in fixed], fps), strict=True))
    room = target + overlap - sum(fixed_frames.values())
    if room < len(flexible):
        raise SpecError("output.duration_s", f"too short for {len(seconds)} scenes and "
                                             "their transitions")
    scaled = dict(zip(flexible, _grid([seconds[i] for i in flexible], fps, room), strict=True))
    return [scaled[i] if i in scaled else fixed_frames[i] for i in range(len(seconds))]
