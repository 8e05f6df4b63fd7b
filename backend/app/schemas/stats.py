"""Response bodies for the admin stats endpoints: queue health and task performance."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Health = Literal["healthy", "warning", "critical"]


class QueueStats(BaseModel):
    queue: str
    pending: int = Field(description="Messages on the broker, summed over every priority step")
    waiting: int = Field(description="Jobs in `pending` or `queued` in PostgreSQL")
    active: int = Field(description="Jobs in `started` or `progress`")
    completed: int = Field(description="Jobs that succeeded within the window")
    failed: int = Field(description="Jobs that ended `failed` or `dead` within the window")
    cancelled: int = Field(description="Jobs cancelled within the window")
    failure_ratio: float | None = Field(
        description="failed / (completed + failed) in the window; null when nothing finished")
    oldest_waiting_s: float | None = Field(
        description="Age of the oldest waiting job (since queued; since submit when pending)")
    workers: int | None = Field(
        description="Workers consuming this queue; null when the census failed")
    health: Health
    reasons: list[str] = Field(description="Codes of the thresholds crossed (docs/operations.md)")


class QueueStatsRead(BaseModel):
    window_minutes: int
    generated_at: datetime
    workers_checked_at: datetime | None = Field(
        description="When the workers were last asked (the census is cached for a few seconds)")
    health: Health = Field(description="The worst health of any queue")
    queues: dict[str, QueueStats] = Field(
        description="By queue name, in the order content, video, gpu, social, default (the "
                    "original plan's shape: `{\"queues\": {\"content\": {\"pending\", "
                    "\"active\", \"completed\", \"failed\", \"health\", ...}}}`)")


class TaskPerformance(BaseModel):
    task_name: str
    succeeded: int
    failed: int = Field(description="Ended `failed` or `dead`")
    cancelled: int
    throughput_per_min: float = Field(description="(succeeded + failed) per minute of window")
    success_rate: float | None = Field(description="succeeded / (succeeded + failed)")
    retry_rate: float | None = Field(
        description="Share of the jobs that ran (succeeded + failed) with more than one attempt")
    run_time_p50_s: float | None = Field(description="finished_at - started_at, median")
    run_time_p95_s: float | None
    queue_wait_p50_s: float | None = Field(description="started_at - created_at, median")
    queue_wait_p95_s: float | None


class PerformanceRead(BaseModel):
    window_minutes: int
    generated_at: datetime
    tasks: list[TaskPerformance]


class PerformancePoint(BaseModel):
    bucket_start: datetime = Field(description="Start of the bucket (aligned to the epoch); "
                                               "a job counts where it finished")
    succeeded: int
    failed: int = Field(description="Ended `failed` or `dead`")
    cancelled: int
    run_time_p50_s: float | None
    run_time_p95_s: float | None
    queue_wait_p50_s: float | None
    queue_wait_p95_s: float | None


class TaskSeries(BaseModel):
    task_name: str
    points: list[PerformancePoint] = Field(description="Buckets with finished jobs, oldest "
                                                       "first; empty buckets are left out")


class FailureAlert(BaseModel):
    task_name: str
    level: Literal["warning", "critical"]
    failure_ratio: float = Field(description="failed / (succeeded + failed) over the alert "
                                             "window")
    failed: int
    finished: int


class PerformanceHistoryRead(BaseModel):
    hours: int
    bucket_minutes: int
    generated_at: datetime
    series: list[TaskSeries]
    alert_window_minutes: int
    failure_warning_ratio: float = Field(description="QUEUE_FAILURE_WARNING_RATIO")
    failure_critical_ratio: float = Field(description="QUEUE_FAILURE_CRITICAL_RATIO")
    alerts: list[FailureAlert] = Field(
        description="Task types whose failure rate over the alert window crosses the queue "
                    "thresholds (docs/operations.md), once enough jobs finished")


class SegmentCacheRead(BaseModel):
    """The encoded segments kept for re-renders (docs/scaling.md)."""

    objects: int = Field(description="Encoded segments stored")
    bytes: int = Field(description="Their total size")
    users: int = Field(description="Users with at least one")
    retention_days: int = Field(description="SEGMENT_CACHE_DAYS: how long one is kept")
