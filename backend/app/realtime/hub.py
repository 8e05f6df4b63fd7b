"""Fan-out of the firehose to the WebSocket and SSE clients connected to this process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator

import redis.asyncio as aioredis

from app.realtime.bus import FIREHOSE
from app.realtime.control import ALL_TOKENS, REVOKE
from app.realtime.direct import RECONNECT, REVOKED, DirectSender
from app.realtime.events import id_key, with_id

log = logging.getLogger(__name__)

# A client this far behind is cut off; it reconnects with its last id and misses nothing.
SUBSCRIBER_QUEUE_MAX = 2000
# Must stay below the client's socket timeout (redis-py 8 defaults to 5 s; main.py sets 10 s).
HUB_BLOCK_MS = 2000
HUB_BATCH = 500
# Deliveries made from the hub's loop before it lets other tasks run (requests, parked sends).
HUB_YIELD_EVERY = 256


class Subscription:
    """One client's events of one user: queued (id, JSON text) pairs until `go_direct`,
    then handed straight to the client's sender, newest id only."""

    def __init__(self, user_id: str, token_id: str | None = None) -> None:
        self.user_id = user_id
        self.token_id = token_id  # the token that opened it (None: an API key)
        self.revoked = False
        self.queue: asyncio.Queue[tuple[str, str] | None] = asyncio.Queue(SUBSCRIBER_QUEUE_MAX)
        self.overflowed = False
        self._sender: DirectSender | None = None
        self._newest = (0, 0)

    def offer(self, item: tuple[str, str]) -> None:
        sender = self._sender
        if sender is not None:
            key = id_key(item[0])
            if key > self._newest:  # the backlog already carried older ones
                self._newest = key
                sender.offer(item[1])
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed = True
            self.offer_close()

    def offer_close(self) -> None:
        """Queue the end marker: the reader closes the connection when it gets there."""
        if self._sender is not None:
            self._sender.end(RECONNECT)
            return
        try:
            self.queue.put_nowait(None)
        except asyncio.QueueFull:
            with contextlib.suppress(asyncio.QueueEmpty):
                self.queue.get_nowait()
            self.queue.put_nowait(None)

    def revoke(self) -> None:
        """Its credential is gone: end the connection (it may not resume)."""
        self.revoked = True
        if self._sender is not None:
            self._sender.end(REVOKED)
        else:
            self.offer_close()

    def go_direct(self, sender: DirectSender, newest: tuple[int, int]) -> None:
        """From now on events go to `sender` as they arrive; those queued go first.

        `newest` is the id key of the last event the client was sent (from the backlog):
        queued or later events at or below it are dropped, so none arrives twice.
        """
        self._newest = newest
        self._sender = sender
        while True:
            try:
                item = self.queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if item is None:
                sender.end(RECONNECT)
                return
            self.offer(item)


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
    async def subscribe(self, user_id: str,
                        token_id: str | None = None) -> AsyncIterator[Subscription]:
        sub = Subscription(user_id, token_id)
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
                    {FIREHOSE: last}, block=HUB_BLOCK_MS, count=HUB_BATCH)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("realtime.hub.read_failed")
                await asyncio.sleep(1.0)  # back off while Redis is away, then resume
                continue
            for _stream, entries in batches or []:
                if len(entries) == HUB_BATCH and await self._fell_behind(last):
                    self._disconnect_all()
                delivered = 0
                for entry_id, fields in entries:
                    last = entry_id.decode()
                    delivered += self._dispatch(fields)
                    if delivered >= HUB_YIELD_EVERY:
                        delivered = 0
                        await asyncio.sleep(0)  # a burst to many sockets must not stall the loop

    async def _fell_behind(self, last: str) -> bool:
        """Whether entries after `last` were trimmed before this process read them."""
        if last == "$":
            return False
        info = await self._redis.xinfo_stream(FIREHOSE)
        first = info.get("first-entry")
        if not first:
            return False
        first_id = first[0].decode() if isinstance(first[0], bytes) else str(first[0])
        return id_key(first_id) > id_key(last)

    def _disconnect_all(self) -> None:
        """Every client reconnects with its last id and resumes from its user's stream."""
        log.warning("realtime.hub.fell_behind", extra={"connections": self.connections})
        for subs in self._subs.values():
            for sub in subs:
                sub.overflowed = True
                sub.offer_close()

    def _dispatch(self, fields: dict[bytes, bytes]) -> int:
        """Hand one firehose entry to its user's subscriptions; returns how many."""
        subs = self._subs.get(fields[b"u"].decode())
        if not subs:
            return 0
        if fields.get(b"c") == REVOKE:
            token_id = fields[b"j"].decode()
            for sub in list(subs):
                if token_id == ALL_TOKENS or sub.token_id == token_id:
                    sub.revoke()
            return 0
        event_id = fields[b"i"].decode()
        item = (event_id, with_id(event_id, fields[b"d"].decode()))
        for sub in subs:  # a failed send only ends its sender: `subs` is not changed here
            sub.offer(item)
        return len(subs)
