"""Operating the fleet: broker depth, live and windowed job counts, health and performance.

Every figure comes from the system of record (PostgreSQL), the broker (Redis) or the
workers themselves (Celery remote control), never from the result backend. The SQL lives
here as text so the benchmark can EXPLAIN exactly what the endpoints run.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import redis.asyncio as aioredis
from anyio import to_thread
from sqlalchemy import TextClause, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError
from app.core.metrics import DURATION_BUCKETS_S, Histogram, JobFigures
from app.jobs.broker import queue_depths
from app.jobs.names import Queue
from app.jobs.publish import broker
from app.models import JobState
from app.models.webhook import WebhookDelivery
from app.schemas.stats import (
    FailureAlert,
    Health,
    PerformanceHistoryRead,
    PerformancePoint,
    PerformanceRead,
    QueueStats,
    QueueStatsRead,
    TaskPerformance,
    TaskSeries,
)

log = logging.getLogger(__name__)

QUEUES = [q.value for q in Queue]


def _in(*states: JobState) -> str:
    return "(" + ", ".join(f"'{s.value}'" for s in states) + ")"


ACTIVE = _in(JobState.STARTED, JobState.PROGRESS)
WAITING = _in(JobState.PENDING, JobState.HELD, JobState.QUEUED)
LIVE = _in(JobState.PENDING, JobState.HELD, JobState.QUEUED, JobState.STARTED,
           JobState.PROGRESS, JobState.RETRYING)
FINAL = _in(JobState.SUCCEEDED, JobState.FAILED, JobState.DEAD, JobState.CANCELLED)
FAILED = _in(JobState.FAILED, JobState.DEAD)
RAN = _in(JobState.SUCCEEDED, JobState.FAILED, JobState.DEAD)  # ran to an outcome

# One statement, one round trip: per queue, the live counts and the oldest waiting job come
# from ix_jobs_queue_state_queued (one probe each), the window's outcomes from
# ix_jobs_finished. A queued job waits since it was queued (a requeue starts a new wait).
QUEUE_STATS_SQL = text(f"""
WITH outcome AS (
    SELECT queue,
           count(*) FILTER (WHERE state = 'succeeded') AS completed,
           count(*) FILTER (WHERE state IN {FAILED}) AS failed,
           count(*) FILTER (WHERE state = 'cancelled') AS cancelled
    FROM jobs
    WHERE finished_at >= now() - make_interval(mins => :window_minutes) AND state IN {FINAL}
    GROUP BY queue
)
SELECT q.queue,
       (SELECT count(*) FROM jobs j WHERE j.queue = q.queue AND j.state IN {ACTIVE}) AS active,
       (SELECT count(*) FROM jobs j WHERE j.queue = q.queue AND j.state IN {WAITING})
           AS waiting,
       EXTRACT(EPOCH FROM now() - LEAST(
           (SELECT min(j.created_at) FROM jobs j
             WHERE j.queue = q.queue AND j.state = 'pending'),
           (SELECT min(j.queued_at) FROM jobs j
             WHERE j.queue = q.queue AND j.state = 'queued')))::float8 AS oldest_waiting_s,
       coalesce(o.completed, 0) AS completed, coalesce(o.failed, 0) AS failed,
       coalesce(o.cancelled, 0) AS cancelled
FROM unnest(CAST(:queues AS varchar[])) WITH ORDINALITY AS q(queue, position)
LEFT JOIN outcome o ON o.queue = q.queue
ORDER BY q.position
""")

_RUN_S = "EXTRACT(EPOCH FROM finished_at - started_at)::float8"
_WAIT_S = "EXTRACT(EPOCH FROM started_at - created_at)::float8"
_TIMED = f"state IN {RAN} AND started_at IS NOT NULL"

# Both percentiles of one measure come from one sort: percentile_cont(ARRAY[...]). The
# same figures serve the window (per task) and its history (per task and time bucket).
_FIGURES = f"""count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE state IN {FAILED}) AS failed,
       count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
       count(*) FILTER (WHERE state IN {RAN} AND attempts > 1) AS retried,
       percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY {_RUN_S})
           FILTER (WHERE {_TIMED}) AS run_s,
       percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY {_WAIT_S})
           FILTER (WHERE {_TIMED}) AS wait_s"""

PERFORMANCE_SQL = text(f"""
SELECT task_name,
       {_FIGURES}
FROM jobs
WHERE finished_at >= now() - make_interval(mins => :window_minutes) AND state IN {FINAL}
GROUP BY task_name
ORDER BY task_name
""")

# Buckets are aligned to the epoch (a bucket of 15 minutes starts at :00, :15, ...), so a
# refresh adds points without moving the earlier ones; a job belongs to the bucket in which
# it finished.
PERFORMANCE_HISTORY_SQL = text(f"""
SELECT task_name,
       to_timestamp(floor(EXTRACT(EPOCH FROM finished_at) / :bucket_s) * :bucket_s) AS bucket,
       {_FIGURES}
FROM jobs
WHERE finished_at >= now() - make_interval(mins => :window_minutes) AND state IN {FINAL}
GROUP BY task_name, bucket
ORDER BY task_name, bucket
""")

LIVE_JOBS_SQL = text(f"""
SELECT queue, task_name, state, count(*) AS jobs
FROM jobs WHERE state IN {LIVE}
GROUP BY queue, task_name, state
ORDER BY queue, task_name, state
""")


def _cumulative(measure: str) -> str:
    counts = ", ".join(f"count(*) FILTER (WHERE {measure} <= {bound!r})"
                       for bound in DURATION_BUCKETS_S)
    return f"ARRAY[{counts}]"


# Durations are computed once per row (NULL unless the job ran to an outcome), then
# bucketed: cumulative counts per upper bound, as Prometheus histograms expect.
RECENT_JOBS_SQL = text(f"""
SELECT task_name, state, count(*) AS jobs, count(run_s) AS timed,
       coalesce(sum(run_s), 0) AS run_sum, coalesce(sum(wait_s), 0) AS wait_sum,
       {_cumulative("run_s")} AS run_buckets,
       {_cumulative("wait_s")} AS wait_buckets
FROM (
    SELECT task_name, state,
           CASE WHEN {_TIMED} THEN {_RUN_S} END AS run_s,
           CASE WHEN {_TIMED} THEN {_WAIT_S} END AS wait_s
    FROM jobs
    WHERE finished_at >= now() - make_interval(secs => :window_s) AND state IN {FINAL}
) AS recent
GROUP BY task_name, state
ORDER BY task_name, state
""")


def explain_statements(*, window_minutes: int) -> list[tuple[str, TextClause, dict[str, Any]]]:
    """The statements behind the endpoints with their parameters (for EXPLAIN ANALYZE)."""
    return [
        ("queue stats", QUEUE_STATS_SQL, {"queues": QUEUES, "window_minutes": window_minutes}),
        ("performance", PERFORMANCE_SQL, {"window_minutes": window_minutes}),
        ("performance history", PERFORMANCE_HISTORY_SQL,
         {"window_minutes": window_minutes, "bucket_s": 900.0}),
        ("metrics: live jobs", LIVE_JOBS_SQL, {}),
        ("metrics: recent jobs", RECENT_JOBS_SQL, {"window_s": window_minutes * 60.0}),
    ]


async def broker_depths(redis: aioredis.Redis) -> dict[str, int]:
    """Messages per queue over every priority step: LLEN of each list, one round trip."""
    try:
        return await queue_depths(redis, QUEUES)
    except (aioredis.RedisError, OSError) as exc:
        raise AppError("broker_unavailable", f"Redis did not answer: {exc}", 503) from exc


@dataclass(frozen=True)
class Census:
    per_queue: dict[str, int] | None  # None: the workers could not be asked
    checked_at: datetime
    checked_mono: float


def _ask_workers(timeout_s: float) -> dict[str, int]:
    replies = broker().active_queues(timeout_s)
    per_queue = dict.fromkeys(QUEUES, 0)
    for queues in (replies or {}).values():
        for name in {q.get("name") for q in queues}:
            if isinstance(name, str):
                per_queue[name] = per_queue.get(name, 0) + 1
    return per_queue


class WorkerCensus:
    """Consuming workers per queue, asked over Celery remote control and cached.

    Only the first call waits for the answer; later ones get the cached census and, once
    it is older than STATS_WORKERS_CACHE_S, start one refresh in the background.
    """

    def __init__(self) -> None:
        self._census: Census | None = None
        self._refresh: asyncio.Task[None] | None = None

    async def current(self) -> Census:
        stale = (self._census is None or time.monotonic() - self._census.checked_mono
                 >= settings.monitoring.STATS_WORKERS_CACHE_S)
        if stale and (self._refresh is None or self._refresh.done()):
            self._refresh = asyncio.create_task(self._ask())
        if self._census is None and self._refresh is not None:
            await asyncio.shield(self._refresh)
        assert self._census is not None
        return self._census

    async def _ask(self) -> None:
        per_queue: dict[str, int] | None
        try:
            per_queue = await to_thread.run_sync(_ask_workers,
                                                 settings.monitoring.STATS_INSPECT_TIMEOUT_S)
        except Exception:
            log.warning("stats.worker_census_failed", exc_info=True)
            per_queue = None
        self._census = Census(per_queue, datetime.now(UTC), time.monotonic())


census = WorkerCensus()


def judged_failure_ratio(*, completed: int, failed: int) -> float | None:
    """failed / finished, or None while too few jobs finished to say anything."""
    finished = completed + failed
    enough = max(1, settings.monitoring.QUEUE_FAILURE_MIN_FINISHED_JOBS)
    return failed / finished if finished >= enough else None


def failure_level(*, completed: int, failed: int) -> Health:
    """The failure-rate thresholds of `assess` alone: for a task type as for a queue."""
    health, _ = assess(pending=0, waiting=0, oldest_waiting_s=None, completed=completed,
                       failed=failed, workers=1)
    return health


def assess(*, pending: int, waiting: int, oldest_waiting_s: float | None, completed: int,
           failed: int, workers: int | None) -> tuple[Health, list[str]]:
    """The queue's health and the codes of the thresholds it crosses (docs/operations.md)."""
    critical: list[str] = []
    warning: list[str] = []
    if workers == 0 and (pending or waiting):
        critical.append("no_worker")
    if workers is None:
        warning.append("workers_unknown")
    ratio = judged_failure_ratio(completed=completed, failed=failed)
    checks: list[tuple[str, float | None, float, float]] = [
        ("pending", pending, settings.monitoring.QUEUE_PENDING_WARNING_JOBS,
         settings.monitoring.QUEUE_PENDING_CRITICAL_JOBS),
        ("oldest_waiting", oldest_waiting_s, settings.monitoring.QUEUE_OLDEST_WAITING_WARNING_S,
         settings.monitoring.QUEUE_OLDEST_WAITING_CRITICAL_S),
        ("failure_ratio", ratio, settings.monitoring.QUEUE_FAILURE_WARNING_RATIO,
         settings.monitoring.QUEUE_FAILURE_CRITICAL_RATIO),
    ]
    for name, value, warn_at, critical_at in checks:
        if value is None or value <= 0:
            continue
        if value >= critical_at:
            critical.append(f"{name}_critical")
        elif value >= warn_at:
            warning.append(f"{name}_warning")
    health: Health = "critical" if critical else "warning" if warning else "healthy"
    return health, critical + warning


SEVERITY: dict[Health, int] = {"healthy": 0, "warning": 1, "critical": 2}


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


async def job_figures(session: AsyncSession) -> JobFigures:
    """Live jobs by queue, task and state; the window's outcomes and duration histograms."""
    live = await session.execute(LIVE_JOBS_SQL)
    recent = await session.execute(RECENT_JOBS_SQL,
                                   {"window_s": float(settings.monitoring.METRICS_WINDOW_S)})
    since = datetime.now(UTC) - timedelta(seconds=settings.monitoring.METRICS_WINDOW_S)
    delivered = await session.execute(
        select(WebhookDelivery.event_type, WebhookDelivery.status, func.count(),
               func.coalesce(func.sum(WebhookDelivery.attempts), 0))
        .where(WebhookDelivery.created_at >= since)
        .group_by(WebhookDelivery.event_type, WebhookDelivery.status))
    figures = JobFigures(live=[(r.queue, r.task_name, r.state, r.jobs) for r in live],
                         finished=[], run_time={}, queue_wait={},
                         deliveries=[(e, s, int(n), int(a)) for e, s, n, a in delivered])
    for row in recent:
        figures.finished.append((row.task_name, row.state, row.jobs))
        if row.timed:
            figures.run_time.setdefault(row.task_name, Histogram()).add(
                row.run_buckets, row.timed, row.run_sum)
            figures.queue_wait.setdefault(row.task_name, Histogram()).add(
                row.wait_buckets, row.timed, row.wait_sum)
    return figures


class Cached:
    """One value per process, recomputed at most once per `ttl_s` however many ask at once."""

    def __init__(self, ttl_s: Callable[[], float]) -> None:
        self._ttl_s = ttl_s
        self._value: JobFigures | None = None
        self._at = 0.0
        self._lock = asyncio.Lock()

    async def get(self, compute: Callable[[], Awaitable[JobFigures]]) -> JobFigures:
        async with self._lock:
            if self._value is None or time.monotonic() - self._at >= self._ttl_s():
                self._value = await compute()
                self._at = time.monotonic()
            return self._value


job_figures_cache = Cached(lambda: settings.monitoring.METRICS_CACHE_S)
