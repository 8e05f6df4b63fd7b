"""Request and response bodies for jobs: submits, reads, pages."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from app.media.timeline import Timeline
from app.media.transition_kinds import CUT, DEFAULT, SlideshowKind

Resolution = Literal["1080x1920", "1920x1080", "1080x1080"]


SLIDESHOW_FIELDS = frozenset({"asset_ids", "seconds_per_image", "transition", "transition_s",
                              "resolution", "fps", "audio_asset_id"})



def transition_fits(value: float, info: ValidationInfo) -> float:
    """A slideshow's blend must end before the next photo's time is up (a cut has none)."""
    seconds = info.data.get("seconds_per_image")
    if info.data.get("transition", DEFAULT) != CUT and seconds and value >= seconds:
        raise ValueError("must be shorter than seconds_per_image")
    return value

class VideoSubmit(BaseModel):
    """A full `timeline`, or the slideshow shorthand: photos in order, each on screen for
    `seconds_per_image` (expanded to a timeline by the worker)."""

    model_config = ConfigDict(extra="forbid")

    timeline: Timeline | None = Field(
        None, description="A full timeline (docs/render.md); its asset ids are your asset "
                          "UUIDs. Not combinable with the slideshow fields")
    asset_ids: list[uuid.UUID] | None = Field(
        None, min_length=1, max_length=200,
        description="Slideshow: image assets, in display order (required without timeline)")
    seconds_per_image: float = Field(3.0, ge=0.5, le=60)
    transition: SlideshowKind = DEFAULT
    transition_s: float = Field(0.5, ge=0.0, le=5.0, description="Ignored for `none`")
    resolution: Resolution = "1080x1920"
    fps: Literal[24, 25, 30, 60] = 30
    audio_asset_id: uuid.UUID | None = Field(
        None, description="Audio asset, trimmed or looped to the video length")
    priority: int = Field(5, ge=0, le=10, description="0 lowest, 10 most urgent")
    callback_url: str | None = Field(
        None, min_length=1, max_length=2048,
        description="Receives a signed job.succeeded / job.failed / job.dead event "
                    "(docs/webhooks.md); https and public only")
    project_id: uuid.UUID | int | None = Field(
        None, description="A project (its id or number). Without asset_ids and timeline the "
                          "project's reel is made: its topic through script, voice and "
                          "render (docs/projects.md)")
    advanced: bool = Field(
        False, description="With a project: its brand kit's music under the video and "
                           "transitions between scenes (without: no music, cuts)")

    _transition_fits = field_validator("transition_s")(transition_fits)

    @model_validator(mode="after")
    def _one_form(self) -> VideoSubmit:
        if self.timeline is None and self.asset_ids is None and self.project_id is None:
            raise ValueError("asset_ids: required unless a timeline or a project_id is given")
        mixed = sorted(SLIDESHOW_FIELDS & self.model_fields_set) if self.timeline else []
        if mixed:
            raise ValueError(f"timeline: cannot be combined with {', '.join(mixed)}")
        return self


class JobUrls(BaseModel):
    self: str
    events: str
    result: str
    websocket: str
    workflow: str | None = Field(None, description="The workflow this job is a step of")


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    task_name: str
    queue: str
    priority: int
    state: str
    progress: float
    stage: str | None
    params: dict[str, Any]
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    attempts: int
    retries: int
    attempt_log: list[dict[str, Any]]
    history: list[dict[str, Any]]
    created_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    project_id: uuid.UUID | None = None
    workflow_id: uuid.UUID | None = None
    urls: JobUrls | None = None


class JobPage(BaseModel):
    items: list[JobRead]
    next_cursor: str | None
