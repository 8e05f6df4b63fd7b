"""What the fleet looks like right now, asked of the broker (messages per queue) and of the
workers themselves (who consumes which queue, over Celery remote control, cached)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import redis.asyncio as aioredis
from anyio import to_thread

from app.core.config import settings
from app.core.errors import AppError
from app.jobs.broker import queue_depths
from app.jobs.publish import broker
from app.services.fleet.stats_sql import QUEUES

log = logging.getLogger(__name__)


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
