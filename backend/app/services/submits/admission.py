"""Video submits admitted in batches: the requests waiting at one moment share one
transaction, one INSERT, one publish round and one event pipeline.

One submit on its own costs about a dozen PostgreSQL round trips (caller, assets, quota
lock, two counts, fair-share count, insert, commit, then the `queued` mark and its commit),
and at 7-11 ms of API CPU each one process topped out near 135 submits/s
(docs/benchmarks.md). Here each request validates its body and hands an item to the
process's admitter; a batcher that is free takes every item waiting (up to
SUBMIT_BATCH_MAX) and runs the same checks for all of them at once (services/submits/admit_batch).
The rules are those of the one-at-a-time path (services/videos.submit_video, still used
by project and batch submits): the same per-user advisory lock and counts, so the two paths
together never take more than a plan allows. Idempotency keys are claimed in the batch's
transaction too (services/submits/admit_keys).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.errors import AppError
from app.models import Job
from app.services.submits.admit_batch import Item, admit_batch
from app.services.submits.videos import VideoWork

log = logging.getLogger(__name__)


@dataclass
class Admitter:
    """The process's submit batcher: `admit` waits for the batch its item lands in."""

    engine: AsyncEngine
    redis: aioredis.Redis
    max_batch: int = 100
    batchers: int = 2
    _queue: asyncio.Queue[Item] = field(default_factory=asyncio.Queue)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._run(), name=f"admitter-{i}")
                       for i in range(self.batchers)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def admit(self, *, user_id: uuid.UUID, work: VideoWork, kind: str = "video",
                    key: str | None = None, fingerprint: str = "") -> tuple[Job, bool]:
        """Store and publish one job, or raise the AppError that refuses it; with an
        Idempotency-Key (`fingerprint`: the request's hash) the job may be a replay of the
        key's first (then the second value is True)."""
        if not self._tasks:
            raise RuntimeError("the admitter is not running")
        item = Item(user_id=user_id, work=work, kind=kind, key=key, fingerprint=fingerprint,
                    future=asyncio.get_running_loop().create_future())
        self._queue.put_nowait(item)
        # A client that goes away before its batch starts leaves nothing behind: the
        # cancelled future is skipped. Once the batch has begun, the job is stored.
        return await item.future

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            live = [item for item in batch if not item.future.done()]
            if not live:
                continue
            try:
                for item in await admit_batch(engine=self.engine, redis=self.redis,
                                              items=live):
                    self._queue.put_nowait(item)  # its key's first submit is now decided
            except asyncio.CancelledError:
                _fail(live, AppError("shutting_down", "the server is stopping; submit "
                                     "again", 503, headers={"Retry-After": "1"}))
                raise
            except Exception:
                log.exception("submit.batch_failed", extra={"size": len(live)})
                _fail(live, AppError("unavailable", "the job could not be stored; submit "
                                     "again", 503, headers={"Retry-After": "1"}))


def _fail(items: list[Item], error: AppError) -> None:
    for item in items:
        if not item.future.done():
            item.future.set_exception(error)
