"""Request and response bodies for scaling workers per queue."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.config import settings
from app.jobs.names import Queue

DesiredWorkers = Field(ge=0, le=settings.scaling.SCALE_MAX_WORKERS,
                       description="local: pool processes across the queue's workers; "
                                   "kubernetes: replicas of the queue's worker Deployment")


class ScaleRequest(BaseModel):
    """How many workers should serve one queue."""

    model_config = ConfigDict(extra="forbid")

    queue: Queue
    desired_workers: int = DesiredWorkers


class WorkerRead(BaseModel):
    hostname: str
    processes: int
    queues: list[str]
    autoscale_max: int | None = None
    autoscale_min: int | None = None


class ScaleRead(BaseModel):
    """The scale of one queue: asked for (`desired`) and running now (`observed`)."""

    queue: Queue
    backend: Literal["local", "kubernetes"]
    target: str
    desired_workers: int | None
    observed_workers: int | None
    settled: bool = Field(description="observed equals desired")
    shared_with: list[str] = Field(description="queues served by the same workers, which "
                                               "scale along with this one")
    workers: list[WorkerRead] = []
    paused: list[str] = Field([], description="local: workers told to stop consuming the queue")
    message: str | None = None


class ScalePage(BaseModel):
    backend: Literal["local", "kubernetes"]
    max_workers: int
    items: list[ScaleRead]
