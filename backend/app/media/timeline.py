"""The declarative timeline: scenes, transitions, audio, captions and output, as one model.

Field errors come from pydantic with the field's path; checks that span fields (a
transition longer than its scene, a target duration shorter than the voice) run in
`Timeline`'s own validator and name the path in the message. Asset ids are opaque
strings here; the caller resolves them to local files (`AssetResolver`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.core.platforms import Platform
from app.media.errors import SpecError
from app.media.transition_kinds import CUT, DEFAULT, TimelineKind

AssetResolver = Callable[[str], Path]

Color = Annotated[
    str,
    Field(
        pattern=r"^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$",
        description="#RRGGBB or #RRGGBBAA",
        examples=["#FFFFFF"],
    ),
]
AssetId = Annotated[str, Field(min_length=1, max_length=200, description="Asset id")]
Seconds = Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)]
Offset = Annotated[float, Field(ge=0, le=36000, allow_inf_nan=False)]

MotionKind = Literal[
    "none", "zoom_in", "zoom_out", "pan_left", "pan_right", "pan_up", "pan_down"
]
Fit = Literal["cover", "contain", "fill"]
# every platform (app/core/platforms.py), then two frames of no platform
Preset = Literal[Platform, "square", "portrait"]
Quality = Literal["draft", "standard", "high", "ultra"]
Codec = Literal["h264", "hevc", "av1"]
CaptionStyle = Literal["plain", "boxed", "karaoke"]
# The bundled fonts (app/media/fonts.py): Roboto upright, at width 75, or italic.
FontFamily = Literal["roboto", "roboto-condensed", "roboto-italic"]
Position = Literal["top_left", "top_right", "bottom_left", "bottom_right", "center"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Motion(_Model):
    """Ken Burns: a slow zoom or pan rendered at sub-pixel precision."""

    kind: MotionKind = "zoom_in"
    amount: float = Field(
        0.15, gt=0, le=0.5, description="Zoom change, or pan distance, as a fraction of the frame"
    )
    easing: Literal["linear", "ease"] = "linear"


class Stroke(_Model):
    color: Color = "#000000"
    width: int = Field(4, ge=1, le=40, description="Outline width in pixels at 1080 p")


class Box(_Model):
    color: Color = "#000000"
    opacity: float = Field(0.6, ge=0, le=1)
    padding: int = Field(24, ge=0, le=200, description="Pixels at 1080 p")


class TextOverlay(_Model):
    """Text drawn over a scene, with an optional entrance animation."""

    text: str = Field(min_length=1, max_length=500)
    position: Literal["top", "center", "bottom"] = "center"
    size: int = Field(72, ge=8, le=400, description="Font size in pixels at 1080 p")
    color: Color = "#FFFFFF"
    font: FontFamily = "roboto"
    bold: bool = True
    stroke: Stroke | None = None
    box: Box | None = None
    animation: Literal["none", "fade", "slide_up", "slide_left"] = "fade"
    animation_s: float = Field(0.5, gt=0, le=5, allow_inf_nan=False)
    start_s: Offset = Field(0.0, description="Delay after the scene starts")


class Transition(_Model):
    """How a scene hands over to the next; `random` picks a kind from `Timeline.seed`."""

    kind: TimelineKind = DEFAULT
    duration_s: float = Field(0.5, ge=0, le=10, allow_inf_nan=False)


class _Scene(_Model):
    text: TextOverlay | None = None
    transition: Transition | None = Field(
        None, description="Into the next scene; defaults to Timeline.transition"
    )


class ImageScene(_Scene):
    kind: Literal["image"] = "image"
    asset: AssetId
    duration_s: Seconds = 3.0
    fit: Fit = "cover"
    motion: Motion | None = None


class VideoScene(_Scene):
    """A clip trimmed to [in_s, out_s); held on its last frame if `duration_s` is longer."""

    kind: Literal["video"] = "video"
    asset: AssetId
    in_s: Offset = 0.0
    out_s: Offset | None = None
    duration_s: Seconds | None = Field(None, description="Default: out_s - in_s")
    fit: Fit = "cover"
    motion: Motion | None = None


class Gradient(_Model):
    colors: list[Color] = Field(min_length=2, max_length=4)
    angle: float = Field(90, ge=0, lt=360, description="Degrees; 90 runs top to bottom")


class CardScene(_Scene):
    """A colour or gradient card, usually with text."""

    kind: Literal["card"] = "card"
    duration_s: Seconds = 2.0
    color: Color = "#000000"
    gradient: Gradient | None = None


Scene = Annotated[ImageScene | VideoScene | CardScene, Field(discriminator="kind")]


class Voice(_Model):
    asset: AssetId
    start_s: Offset = 0.0
    volume_db: float = Field(0.0, ge=-40, le=20)


class Music(_Model):
    asset: AssetId
    volume_db: float = Field(-6.0, ge=-60, le=20)
    fade_in_s: float = Field(1.0, ge=0, le=30)
    fade_out_s: float = Field(2.0, ge=0, le=30)
    loop: bool = True
    duck: bool = Field(True, description="Lower the music while the voice speaks")


class Audio(_Model):
    voice: Voice | None = None
    music: Music | None = None
    loudness_lufs: float = Field(-14.0, ge=-40, le=-5, description="Integrated target")
    true_peak_db: float = Field(-1.0, ge=-9, le=0)


class Word(_Model):
    text: str = Field(min_length=1, max_length=100)
    start_s: Offset
    end_s: Offset


class Captions(_Model):
    """Burned-in captions from word timings, or a script spread over the voice-over."""

    words: list[Word] | None = Field(None, max_length=20000)
    script: str | None = Field(None, min_length=1, max_length=20000)
    style: CaptionStyle = "boxed"
    size: int | None = Field(None, ge=12, le=200, description="Pixels at 1080 p")
    color: Color = "#FFFFFF"
    highlight: Color = "#FFD400"
    font: FontFamily = "roboto"
    bold: bool = True
    max_words: int = Field(4, ge=1, le=12, description="Words per caption line")


class Watermark(_Model):
    """A logo (an image asset, alpha honoured) over every frame, under the captions."""

    asset: AssetId
    position: Position = "bottom_right"
    opacity: float = Field(0.8, gt=0, le=1, allow_inf_nan=False)
    scale: float = Field(0.18, gt=0, le=1, allow_inf_nan=False,
                         description="Logo width / frame width")
    margin: float = Field(0.04, ge=0, le=0.45, allow_inf_nan=False,
                          description="Gap to the nearest edges / frame width")


class Output(_Model):
    preset: Preset = "tiktok"
    quality: Quality = "standard"
    codec: Codec = "h264"
    fps: Literal[24, 25, 30, 60] = 30
    duration_s: Seconds | None = Field(
        None, description="Scene lengths are scaled so the video lasts exactly this long"
    )


class Timeline(_Model):
    """Everything one render needs except the files behind the asset ids."""

    version: Literal[1] = 1
    scenes: list[Scene] = Field(min_length=1, max_length=500)
    transition: Transition = Transition(kind=DEFAULT, duration_s=0.5)
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Makes `random` transitions repeatable")
    audio: Audio | None = None
    captions: Captions | None = None
    watermark: Watermark | None = None
    output: Output = Output()

    @model_validator(mode="after")
    def _consistent(self) -> Timeline:
        check_consistency(self)
        return self

    def asset_refs(self) -> list[tuple[str, str, str]]:
        """(field path, asset id, kind) of every asset the timeline names, in order."""
        refs: list[tuple[str, str, str]] = [
            (f"scenes.{i}.asset", s.asset, s.kind)
            for i, s in enumerate(self.scenes) if not isinstance(s, CardScene)]
        if self.audio and self.audio.voice:
            refs.append(("audio.voice.asset", self.audio.voice.asset, "audio"))
        if self.audio and self.audio.music:
            refs.append(("audio.music.asset", self.audio.music.asset, "audio"))
        if self.watermark:
            refs.append(("watermark.asset", self.watermark.asset, "image"))
        return refs


def transition_field(timeline: Timeline, index: int) -> str:
    """The path of the transition that follows scene `index`."""
    return f"scenes.{index}.transition" if timeline.scenes[index].transition else "transition"


def transition_of(timeline: Timeline, index: int) -> Transition:
    return timeline.scenes[index].transition or timeline.transition


def nominal_seconds(scene: Scene) -> float | None:
    """A scene's length before any target scaling, or None while a video is unprobed."""
    if scene.kind != "video":
        return scene.duration_s
    if scene.duration_s is not None:
        return scene.duration_s
    if scene.out_s is not None:
        return scene.out_s - scene.in_s
    return None


def check_consistency(timeline: Timeline) -> None:
    """Checks across fields that need no file; raises SpecError naming the field."""
    for i, scene in enumerate(timeline.scenes):
        if scene.kind == "video" and scene.out_s is not None and scene.out_s <= scene.in_s:
            raise SpecError(f"scenes.{i}.out_s", "must be after in_s")
    for i in range(len(timeline.scenes) - 1):
        tr = transition_of(timeline, i)
        if tr.kind != CUT and tr.duration_s <= 0:
            raise SpecError(f"{transition_field(timeline, i)}.duration_s",
                            f"must be above 0 for a {tr.kind} transition")
        for j in (i, i + 1):
            seconds = nominal_seconds(timeline.scenes[j])
            if tr.kind != CUT and seconds is not None and tr.duration_s >= seconds:
                raise SpecError(f"{transition_field(timeline, i)}.duration_s",
                                f"{tr.duration_s:g} s is not shorter than scene {j} "
                                f"({seconds:g} s)")
    captions = timeline.captions
    if captions is not None:
        if (captions.words is None) == (captions.script is None):
            raise SpecError("captions", "give exactly one of words or script")
        previous = 0.0
        for k, word in enumerate(captions.words or ()):
            if word.end_s <= word.start_s:
                raise SpecError(f"captions.words.{k}.end_s", "must be after start_s")
            if word.start_s < previous:
                raise SpecError(f"captions.words.{k}.start_s", "words must be in time order")
            previous = word.start_s
    audio = timeline.audio
    if audio is not None and audio.voice is None and audio.music is None:
        raise SpecError("audio", "give a voice, music or both")
    mark = timeline.watermark
    if mark is not None and mark.position != "center" and mark.scale + mark.margin > 1:
        raise SpecError("watermark.margin", f"scale {mark.scale:g} plus margin {mark.margin:g} "
                                            "leaves the frame")


def _path_of(loc: tuple[int | str, ...]) -> str:
    # Drop the discriminator tag that pydantic inserts after a scene index.
    parts = [str(p) for i, p in enumerate(loc)
             if not (i >= 2 and loc[i - 2] == "scenes" and isinstance(loc[i - 1], int))]
    return ".".join(parts)


def parse_timeline(data: Any) -> Timeline:
    """Validate a JSON-like object; the first problem becomes a SpecError naming its field."""
    try:
        return Timeline.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = _path_of(tuple(first["loc"])) or "timeline"
        message = str(first["msg"]).removeprefix("Value error, ")
        if ": " in message and not first["loc"]:
            field, _, message = message.partition(": ")
        raise SpecError(field, message) from None


def json_schema() -> str:
    """The timeline's JSON Schema, as written to docs/timeline.schema.json."""
    schema = Timeline.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://reelforge.dev/schemas/timeline.schema.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
