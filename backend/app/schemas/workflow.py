"""Request and response bodies for workflows and their single-step submits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import (
    AliasChoices,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.content import Platform, Tone
from app.media.transition_kinds import DEFAULT, SlideshowKind
from app.schemas.brand import BrandKit
from app.schemas.social_post import Privacy
from app.speech.providers import TtsProvider

Quality = Literal["draft", "standard", "high"]
CaptionStyle = Literal["none", "plain", "boxed", "karaoke"]


ProjectId = uuid.UUID | int
PROJECT_ID_HELP = ("A project (its id, or its number among yours: 1, 2, ...); its settings "
                   "are the defaults of every field this request leaves out "
                   "(docs/projects.md)")
# the original plan's names for two fields, accepted on input
AUDIENCE = AliasChoices("audience", "target_audience")
VIDEO = AliasChoices("video", "video_settings")


def _default_platforms() -> list[Platform]:
    return ["tiktok"]


class VoiceSettings(BaseModel):
    """Who reads the script; unset fields take the server's configured defaults."""

    model_config = ConfigDict(extra="forbid")

    provider: TtsProvider | None = Field(None, description="Default: TTS_PROVIDER")
    voice: str | None = Field(None, min_length=1, max_length=100,
                              description="A voice id from GET /voices")
    rate_wpm: int | None = Field(None, ge=80, le=400, description="Speaking rate (espeak)")


class VideoSettings(BaseModel):
    """How the reel looks: aspect from `platform`, size and encoder effort from `quality`."""

    model_config = ConfigDict(extra="forbid")

    platform: Platform | None = Field(None, description="Render preset; default: the first "
                                                        "of `platforms`")
    quality: Quality = "standard"
    image_asset_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=50,
        description="Images shown in turn; without them each beat gets a text card")
    captions: CaptionStyle = "karaoke"
    transition: SlideshowKind = DEFAULT


class PublishHook(BaseModel):
    """Where the finished reels go: a signed POST to `url`, posts to connected accounts,
    or both (docs/workflows.md)."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, min_length=1, max_length=2048,
                            description="Announce the reels with a signed POST here")
    account_ids: list[uuid.UUID] = Field(
        default_factory=list, max_length=20,
        description="Connected accounts of yours to post the reel to, one post each (the "
                    "reel optimised for the account's platform when the workflow made one)")
    publish_at: AwareDatetime | None = Field(None, description="Hold the posts until then "
                                                               "(with a time zone); default: "
                                                               "when the reels are done")
    privacy: Privacy = "private"

    @field_validator("account_ids")
    @classmethod
    def _distinct_accounts(cls, value: list[uuid.UUID]) -> list[uuid.UUID]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _somewhere(self) -> PublishHook:
        if self.url is None and not self.account_ids:
            raise ValueError("give a url, account_ids or both")
        return self


class WorkflowSubmit(BaseModel):
    """A topic (a script is written) or a script (read as given) to finished reels."""

    model_config = ConfigDict(extra="forbid")

    topic: str | None = Field(None, min_length=2, max_length=200,
                              description="Default: the project's topic")
    script: str | None = Field(None, min_length=2, max_length=5000,
                               description="Narration to read as is, instead of a topic")
    tone: Tone = "informative"
    audience: str = Field("curious viewers", min_length=2, max_length=120,
                          validation_alias=AUDIENCE,
                          description="`target_audience` is accepted as well")
    duration_s: float = Field(30.0, ge=12.0, le=300.0,
                              description="Target narration length (topics only)")
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    seed: int = Field(0, ge=0, le=2**31 - 1, strict=True)  # "7" or 7.0 is not an integer
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    voice_id: str | None = Field(None, min_length=1, max_length=100, exclude=True,
                                 description="Shorthand for `voice.voice` (the original "
                                             "plan's name; preset names such as `rachel` "
                                             "map to offline voices, docs/projects.md)")
    video: VideoSettings = Field(default_factory=VideoSettings, validation_alias=VIDEO,
                                 description="`video_settings` is accepted as well")
    platforms: list[Platform] = Field(default_factory=_default_platforms, min_length=1,
                                      max_length=4)
    publish: PublishHook | None = None
    priority: int = Field(5, ge=0, le=10, description="0 lowest, 10 most urgent")
    project_id: ProjectId | None = Field(None, description=PROJECT_ID_HELP)
    brand: BrandKit | None = Field(None, description="Brand kit; merges over the project's, "
                                                     "field by field")

    @field_validator("platforms")
    @classmethod
    def _distinct(cls, value: list[Platform]) -> list[Platform]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _topic_or_script(self) -> WorkflowSubmit:
        if self.topic is not None and self.script is not None:
            raise ValueError("give exactly one of topic and script")
        if self.topic is None and self.script is None and self.project_id is None:
            raise ValueError("give exactly one of topic and script (or a project_id whose "
                             "project has a topic)")
        if self.voice_id is not None:
            if self.voice.voice not in (None, self.voice_id):
                raise ValueError("voice_id: differs from voice.voice; give one of them")
            self.voice = VoiceSettings(**{**self.voice.model_dump(exclude_unset=True),
                                          "voice": self.voice_id})
            self.voice_id = None
        return self

    @property
    def render_platform(self) -> Platform:
        return self.video.platform or self.platforms[0]


class StepRead(BaseModel):
    """One step of a workflow: its job and where that job stands."""

    model_config = ConfigDict(from_attributes=True)

    step: str
    job_id: uuid.UUID
    kind: str
    task_name: str
    queue: str
    state: str
    progress: float
    stage: str | None
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    result_url: str | None = None


class WorkflowRead(BaseModel):
    id: uuid.UUID
    state: str
    stage: str | None
    label: str | None
    progress: float
    eta_s: float | None
    params: dict[str, Any]
    steps: list[StepRead]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    retries: int
    batch_id: uuid.UUID | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    websocket: str


class ContentSubmit(BaseModel):
    """One script-writing job: write, hashtag, analyse, or write A/B variants."""

    model_config = ConfigDict(extra="forbid")

    operation: Literal["generate", "hashtags", "analyze", "variations"] = "generate"
    topic: str | None = Field(None, min_length=2, max_length=200,
                              description="Required unless the project has a topic")
    tone: Tone = "informative"
    audience: str = Field("curious viewers", min_length=2, max_length=120,
                          validation_alias=AUDIENCE,
                          description="`target_audience` is accepted as well")
    platform: Platform = Field("tiktok", description="Default: the project's first platform")
    duration_s: float = Field(30.0, ge=12.0, le=300.0)
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    seed: int = Field(0, ge=0, le=2**31 - 1, strict=True)  # "7" or 7.0 is not an integer
    variants: int = Field(2, ge=1, le=10, description="How many scripts (variations only)")
    priority: int = Field(5, ge=0, le=10)
    project_id: ProjectId | None = Field(None, description=PROJECT_ID_HELP)

    @model_validator(mode="after")
    def _topic(self) -> ContentSubmit:
        if self.topic is None and self.project_id is None:
            raise ValueError("topic: required (or a project_id whose project has a topic)")
        return self


class TtsSubmit(BaseModel):
    """One speech job: text in, WAV with word timings out."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=5000)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    priority: int = Field(5, ge=0, le=10)
    project_id: ProjectId | None = Field(None, description=PROJECT_ID_HELP)


class VoiceRead(BaseModel):
    provider: str
    id: str  # what `voice.voice` takes
    name: str
    language: str
    gender: str | None
    default: bool
