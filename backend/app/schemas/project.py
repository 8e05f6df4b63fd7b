"""Request and response bodies for projects: a series with the defaults its submits take."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from app.content import Platform, Tone
from app.schemas.batch import BatchRead
from app.schemas.brand import BrandKit
from app.schemas.workflow import VoiceSettings, WorkflowRead

LANGUAGE = r"^[a-z]{2}(-[A-Z]{2})?$"
AUDIENCE_ALIASES = AliasChoices("audience", "target_audience")


def _distinct(value: list[Platform] | None) -> list[Platform] | None:
    return None if value is None else list(dict.fromkeys(value))


class ProjectCreate(BaseModel):
    """A project: its name, and the settings every submit naming it starts from."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="Unique among your projects")
    topic: str | None = Field(None, min_length=2, max_length=200,
                              description="The topic a submit without one writes about")
    audience: str | None = Field(None, min_length=2, max_length=120,
                                 validation_alias=AUDIENCE_ALIASES,
                                 description="Who it is for (`target_audience` also accepted)")
    tone: Tone | None = None
    language: str | None = Field(None, pattern=LANGUAGE)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    platforms: list[Platform] = Field(default_factory=list, max_length=4)
    brand: BrandKit = Field(default_factory=BrandKit,
                            description="How its reels look and sound (docs/projects.md)")

    _platforms = field_validator("platforms")(_distinct)


class ProjectUpdate(BaseModel):
    """Fields to change; a field sent as null clears it (the submit's own default applies)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=100)
    topic: str | None = Field(None, min_length=2, max_length=200)
    audience: str | None = Field(None, min_length=2, max_length=120,
                                 validation_alias=AUDIENCE_ALIASES)
    tone: Tone | None = None
    language: str | None = Field(None, pattern=LANGUAGE)
    voice: VoiceSettings | None = None
    platforms: list[Platform] | None = Field(None, max_length=4)
    brand: BrandKit | None = Field(None, description="Replaces the kit as a whole")

    _platforms = field_validator("platforms")(_distinct)


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    number: int = Field(description="Its short id among your projects: /projects/{number}")
    name: str
    topic: str | None
    audience: str | None
    tone: str | None
    language: str | None
    voice: VoiceSettings
    platforms: list[str]
    brand: BrandKit
    created_at: datetime
    updated_at: datetime


class ProjectDeleted(BaseModel):
    """What a delete removed, and the running work it cancelled (`?cancel=true`)."""

    id: uuid.UUID
    number: int
    cancelled_jobs: list[uuid.UUID]
    cancelled_workflows: list[uuid.UUID]
    disabled_schedules: list[uuid.UUID]


class WorkflowPage(BaseModel):
    items: list[WorkflowRead]
    next_cursor: str | None


class BatchPage(BaseModel):
    items: list[BatchRead]
    next_cursor: str | None
