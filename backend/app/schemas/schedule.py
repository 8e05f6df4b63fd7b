"""Request and response bodies for schedules: a cron in a time zone plus a job template."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.cron import parse_cron, parse_timezone
from app.media.transition_kinds import DEFAULT, SlideshowKind
from app.schemas.jobs import Resolution, VideoSubmit, transition_fits

CRON_HELP = ("Five fields, minute hour day-of-month month day-of-week, read in `timezone`: "
             "numbers, month and day names, '*', ',', '-' and '/' (`0 7 * * *`: 07:00 daily)")


class RecentPhotos(BaseModel):
    """Your photos uploaded in the `since` window before each fire time, oldest first."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["recent"]
    since: timedelta = Field(ge=timedelta(minutes=1), le=timedelta(days=366),
                             description="ISO 8601 duration (`P1D`, `PT12H`) or seconds")
    max_images: int = Field(50, ge=1, le=200,
                            description="When more were added, the newest this many")


class FixedPhotos(BaseModel):
    """The same photos at every fire time, in this order."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["assets"]
    asset_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)


PhotoSource = Annotated[RecentPhotos | FixedPhotos, Field(discriminator="source")]


class VideoTemplate(BaseModel):
    """A slideshow job made at each fire time; the settings are those of a video submit."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["video"] = "video"
    images: PhotoSource
    seconds_per_image: float = Field(3.0, ge=0.5, le=60)
    transition: SlideshowKind = DEFAULT
    transition_s: float = Field(0.5, ge=0.0, le=5.0, description="Ignored for `none`")
    resolution: Resolution = "1080x1920"
    fps: Literal[24, 25, 30, 60] = 30
    audio_asset_id: uuid.UUID | None = None
    priority: int = Field(5, ge=0, le=10, description="0 lowest, 10 most urgent")

    _transition_fits = field_validator("transition_s")(transition_fits)

    def submit(self, asset_ids: list[uuid.UUID]) -> VideoSubmit:
        """The video submit this template makes for these photos."""
        return VideoSubmit(asset_ids=asset_ids,
                           **self.model_dump(exclude={"kind", "images"}))


class _CronAndZone(BaseModel):
    @field_validator("cron", check_fields=False)
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        return None if value is None else parse_cron(value)

    @field_validator("timezone", check_fields=False)
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return None if value is None else parse_timezone(value)


class ScheduleCreate(_CronAndZone):
    """A job made from `template` at every time `cron` matches in `timezone`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    cron: str = Field(max_length=100, description=CRON_HELP)
    timezone: str = Field("UTC", max_length=64, description="IANA name: `Europe/Berlin`")
    template: VideoTemplate
    enabled: bool = True
    project_id: uuid.UUID | int | None = Field(
        None, description="A project (id or number): the schedule and every job it makes "
                          "are listed in it")


class ScheduleUpdate(_CronAndZone):
    """Fields to change; `enabled` pauses and resumes (a resumed schedule runs from now on)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=100)
    cron: str | None = Field(None, max_length=100, description=CRON_HELP)
    timezone: str | None = Field(None, max_length=64)
    template: VideoTemplate | None = None
    enabled: bool | None = None
    project_id: uuid.UUID | int | None = Field(None, description="Move it to another "
                                                                 "project; null: to none")


class ScheduleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    cron: str
    timezone: str
    kind: str
    template: VideoTemplate
    enabled: bool
    project_id: uuid.UUID | None = None
    next_fire_at: datetime | None = Field(description="None while paused")
    last_fire_at: datetime | None
    created_at: datetime
    updated_at: datetime


class ScheduleRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    schedule_id: uuid.UUID
    fire_at: datetime
    status: Literal["enqueued", "skipped", "failed"]
    job_id: uuid.UUID | None
    reason: str | None = Field(description="A stable code: no_new_photos, over_quota, ...")
    detail: str | None
    created_at: datetime


def template_json(template: VideoTemplate) -> dict[str, Any]:
    """The template as stored in the schedules row."""
    return template.model_dump(mode="json")
