"""Admin bodies: dead letters, requeue filters, cleanup outcome."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class DeadLetterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID
    task_name: str
    queue: str
    priority: int
    params: dict[str, Any]
    error: dict[str, Any] | None
    attempts: int
    attempt_log: list[dict[str, Any]]
    created_at: datetime
    finished_at: datetime | None


class RequeueRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] | None = Field(None, max_length=1000)
    task_type: str | None = Field(None, max_length=64, description="A task name, e.g. video.render")
    max_age_hours: float | None = Field(None, gt=0, le=24 * 90)


class DiscardRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    job_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)


class DiscardResult(BaseModel):
    discarded: list[uuid.UUID] = Field(description="The ids that were dead and now end "
                                                   "`failed`; others are left as they were")


class RequeueResult(BaseModel):
    requeued: list[uuid.UUID]


class CleanupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["requeue", "fail"] = "requeue"
    stale_after_s: float | None = Field(None, gt=0, le=86400)


class CleanupResult(BaseModel):
    requeued: list[uuid.UUID]
    dead: list[uuid.UUID]
    failed: list[uuid.UUID]
