"""Admin views of the fleet: queue health and per-task performance over a window."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import AdminUser, RedisDep, SessionDep
from app.schemas.stats import PerformanceRead, QueueStatsRead
from app.services.fleet import stats as stats_service

router = APIRouter(prefix="/tasks/stats", tags=["stats"])

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
