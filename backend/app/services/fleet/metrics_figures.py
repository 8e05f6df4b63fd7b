"""The job figures /metrics exposes (live jobs, the window's outcomes and duration
histograms, webhook deliveries), computed at most once per cache period per process."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.metrics import Histogram, JobFigures
from app.models.webhook import WebhookDelivery
from app.services.fleet.stats_sql import LIVE_JOBS_SQL, RECENT_JOBS_SQL


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
