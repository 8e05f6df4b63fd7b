"""Fan-out of the firehose to the WebSocket and SSE clients connected to this process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

import redis.asyncio as aioredis

from app.realtime.bus import FIREHOSE
from app.realtime.events import with_id

log = logging.getLogger(__name__)

# A client this far behind is cut off; it reconnects with its last id and misses nothing.
SUBSCRIBER_QUEUE_MAX = 2000
# Must stay below the client's socket timeout (redis-py 8 defaults to 5 s; main.py sets 10 s).
HUB_BLOCK_MS = 2000


class Subscription:
    """One client's queue of (event id, JSON text) for one user's events."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        self.queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue(SUBSCRIBER_QUEUE_MAX)
        self.overflowed = False

    def offer(self, item: tuple[str, str]) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed = True
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.queue.put_nowait(None)  # tells the reader to close the connection


class EventHub:
    """One XREAD loop per process; each event is serialised once and queued per client."""

    def __init__(self, client: aioredis.Redis) -> None:
        self._redis = client
        self._subs: dict[str, set[Subscription]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self.connections = 0

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="event-hub")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    @contextlib.asynccontextmanager
    async def subscribe(self, user_id: str) -> AsyncIterator[Subscription]:
        sub = Subscription(user_id)
        self._subs[user_id].add(sub)
        self.connections += 1
        try:
            yield sub
        finally:
            self.connections -= 1
            subs = self._subs.get(user_id)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subs[user_id]

    async def _run(self) -> None:
        last = "$"
        while True:
            try:
                batches: list[tuple[bytes, list[tuple[bytes, dict[bytes, bytes]]]]]
                batches = await self._redis.xread(  # type: ignore[assignment]
                    {FIREHOSE: last}, block=HUB_BLOCK_MS, count=500)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("realtime.hub.read_failed")
                await asyncio.sleep(1.0)  # back off while Redis is away, then resume
                continue
            for _stream, entries in batches or []:
                for entry_id, fields in entries:
                    last = entry_id.decode()
                    self._dispatch(fields)

    def _dispatch(self, fields: dict[bytes, bytes]) -> None:
        subs = self._subs.get(fields[b"u"].decode())
        if not subs:
            return
        event_id = fields[b"i"].decode()
        item = (event_id, with_id(event_id, fields[b"d"].decode()))
        for sub in subs:
            sub.offer(item)
