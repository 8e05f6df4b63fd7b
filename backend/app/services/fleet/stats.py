"""Operating the fleet: per queue its depth, live and windowed job counts and health; per
task type its performance and that performance's history.

Every figure comes from the system of record (PostgreSQL), the broker (Redis) or the
workers themselves (Celery remote control), never from the result backend.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.schemas.stats import (
    FailureAlert,
    PerformanceHistoryRead,
    PerformancePoint,
    PerformanceRead,
    QueueStats,
    QueueStatsRead,
    TaskPerformance,
    TaskSeries,
)
from app.services.fleet.census import broker_depths, census
from app.services.fleet.health import SEVERITY, assess, failure_level
from app.services.fleet.stats_sql import (
    PERFORMANCE_HISTORY_SQL,
    PERFORMANCE_SQL,
    QUEUE_STATS_SQL,
    QUEUES,
)


async def queue_stats(*, session: AsyncSession, redis: aioredis.Redis,
                      window_minutes: int) -> QueueStatsRead:
    """Depth, live and windowed counts, oldest wait, workers and health of every queue."""
    depths, workers, result = await asyncio.gather(
        broker_depths(redis), census.current(),
        session.execute(QUEUE_STATS_SQL, {"queues": QUEUES, "window_minutes": window_minutes}))
    queues = []
    for row in result.mappings():
        queue = row["queue"]
        consuming = None if workers.per_queue is None else workers.per_queue.get(queue, 0)
        finished = row["completed"] + row["failed"]
        health, reasons = assess(
            pending=depths[queue], waiting=row["waiting"],
            oldest_waiting_s=row["oldest_waiting_s"], completed=row["completed"],
            failed=row["failed"], workers=consuming)
        queues.append(QueueStats(
            queue=queue, pending=depths[queue], waiting=row["waiting"], active=row["active"],
            completed=row["completed"], failed=row["failed"], cancelled=row["cancelled"],
            failure_ratio=row["failed"] / finished if finished else None,
            oldest_waiting_s=_round(row["oldest_waiting_s"]), workers=consuming,
            health=health, reasons=reasons))
    overall = max((q.health for q in queues), key=SEVERITY.__getitem__, default="healthy")
    return QueueStatsRead(window_minutes=window_minutes, generated_at=datetime.now(UTC),
                          workers_checked_at=workers.checked_at, health=overall,
                          queues={q.queue: q for q in queues})


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


async def task_performance(*, session: AsyncSession, window_minutes: int) -> PerformanceRead:
    """Throughput, success and retry rates, run-time and queue-wait percentiles per task."""
    result = await session.execute(PERFORMANCE_SQL, {"window_minutes": window_minutes})
    tasks = []
    for row in result.mappings():
        ran = row["succeeded"] + row["failed"]
        run_s, wait_s = row["run_s"] or [None, None], row["wait_s"] or [None, None]
        tasks.append(TaskPerformance(
            task_name=row["task_name"], succeeded=row["succeeded"], failed=row["failed"],
            cancelled=row["cancelled"], throughput_per_min=round(ran / window_minutes, 4),
            success_rate=row["succeeded"] / ran if ran else None,
            retry_rate=row["retried"] / ran if ran else None,
            run_time_p50_s=_round(run_s[0]), run_time_p95_s=_round(run_s[1]),
            queue_wait_p50_s=_round(wait_s[0]), queue_wait_p95_s=_round(wait_s[1])))
    return PerformanceRead(window_minutes=window_minutes, generated_at=datetime.now(UTC),
                           tasks=tasks)


ALERT_WINDOW_MINUTES = 60  # failure-rate alerts judge the last hour, as the queues do


async def performance_history(*, session: AsyncSession, hours: int,
                              bucket_minutes: int) -> PerformanceHistoryRead:
    """Run-time and queue-wait percentiles per task and time bucket, with the task types
    whose failure rate over the last hour crosses the queues' thresholds."""
    result = await session.execute(PERFORMANCE_HISTORY_SQL, {
        "window_minutes": hours * 60, "bucket_s": float(bucket_minutes * 60)})
    series: dict[str, list[PerformancePoint]] = {}
    for row in result.mappings():
        run_s, wait_s = row["run_s"] or [None, None], row["wait_s"] or [None, None]
        series.setdefault(row["task_name"], []).append(PerformancePoint(
            bucket_start=row["bucket"], succeeded=row["succeeded"], failed=row["failed"],
            cancelled=row["cancelled"],
            run_time_p50_s=_round(run_s[0]), run_time_p95_s=_round(run_s[1]),
            queue_wait_p50_s=_round(wait_s[0]), queue_wait_p95_s=_round(wait_s[1])))
    recent = await task_performance(session=session, window_minutes=ALERT_WINDOW_MINUTES)
    alerts = []
    for task in recent.tasks:
        level = failure_level(completed=task.succeeded, failed=task.failed)
        if level != "healthy":
            alerts.append(FailureAlert(
                task_name=task.task_name, level=level, failed=task.failed,
                finished=task.succeeded + task.failed,
                failure_ratio=round(task.failed / (task.succeeded + task.failed), 4)))
    return PerformanceHistoryRead(
        hours=hours, bucket_minutes=bucket_minutes, generated_at=datetime.now(UTC),
        series=[TaskSeries(task_name=name, points=points) for name, points in series.items()],
        alert_window_minutes=ALERT_WINDOW_MINUTES,
        failure_warning_ratio=settings.monitoring.QUEUE_FAILURE_WARNING_RATIO,
        failure_critical_ratio=settings.monitoring.QUEUE_FAILURE_CRITICAL_RATIO,
        alerts=alerts)
