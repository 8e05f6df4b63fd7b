"""Admin views of the fleet: queue health and per-task performance over a window."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query

from app.api.deps import AdminUser, RedisDep, SessionDep, StorageDep
from app.core.config import settings
from app.core.errors import AppError
from app.schemas.stats import (
    PerformanceHistoryRead,
    PerformanceRead,
    QueueStatsRead,
    SegmentCacheRead,
)
from app.services.fleet import stats as stats_service

router = APIRouter(prefix="/tasks/stats", tags=["stats"])

MAX_HISTORY_POINTS = 1000  # per task: a week in 15-minute buckets is 672

WindowMinutes = Annotated[int, Query(ge=1, le=10080,
                                     description="Look-back window in minutes (max 7 days)")]


@router.get("/queues", response_model=QueueStatsRead,
            summary="Depth, running, finished, oldest wait, workers and health of each queue")
async def read_queue_stats(_: AdminUser, session: SessionDep, redis: RedisDep,
                           window_minutes: WindowMinutes = 60) -> QueueStatsRead:
    return await stats_service.queue_stats(session=session, redis=redis,
                                           window_minutes=window_minutes)


@router.get("/performance", response_model=PerformanceRead,
            summary="Throughput, success and retry rates, run time and queue wait per task")
async def read_performance(_: AdminUser, session: SessionDep,
                           window_minutes: WindowMinutes = 60) -> PerformanceRead:
    return await stats_service.task_performance(session=session, window_minutes=window_minutes)


@router.get("/performance/history", response_model=PerformanceHistoryRead,
            summary="Run time and queue wait percentiles per task over time, and failure-rate "
                    "alerts",
            responses={401: {"description": "Missing or invalid credentials"},
                       403: {"description": "Admin role required"},
                       422: {"description": "Out of range, or more than 1000 buckets"}})
async def read_performance_history(
    _: AdminUser, session: SessionDep,
    hours: Annotated[int, Query(ge=1, le=168, description="Look-back in hours")] = 24,
    bucket_minutes: Annotated[int, Query(ge=1, le=1440,
                                         description="Width of one point")] = 15,
) -> PerformanceHistoryRead:
    if hours * 60 / bucket_minutes > MAX_HISTORY_POINTS:
        raise AppError("validation_error", f"bucket_minutes: too small for {hours} h "
                       f"(at most {MAX_HISTORY_POINTS} buckets)", 422, field="bucket_minutes")
    return await stats_service.performance_history(session=session, hours=hours,
                                                   bucket_minutes=bucket_minutes)


@router.get("/segment-cache", response_model=SegmentCacheRead,
            summary="Size of the cache of encoded segments that re-renders reuse",
            responses={401: {"description": "Missing or invalid credentials"},
                       403: {"description": "Admin role required"}})
async def read_segment_cache(_: AdminUser, storage: StorageDep) -> SegmentCacheRead:
    def measure() -> SegmentCacheRead:
        objects = size = 0
        users: set[str] = set()
        for item in storage.list("cache/segments/"):
            objects, size = objects + 1, size + item.size
            users.add(item.key.split("/")[2])
        return SegmentCacheRead(objects=objects, bytes=size, users=len(users),
                                retention_days=settings.render.SEGMENT_CACHE_DAYS)
    return await to_thread.run_sync(measure)
