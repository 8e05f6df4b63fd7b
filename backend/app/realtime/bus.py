"""Per-user event streams on Redis Streams, mirrored to one firehose the API fans out.

Each event is appended to `events:user:{id}` (kept for resume by last event id) and, in
the same Lua call, to `events:firehose`, which every API process reads with one XREAD.
A user stream is bounded by length, by age (events older than EVENT_STREAM_MAX_AGE_S go
at the next publish) and in time (it expires EVENT_STREAM_IDLE_TTL_S after its last
publish): Redis runs without eviction for the broker's sake, so nothing may grow unbounded.
"""

from __future__ import annotations

import uuid
from typing import Any

import redis
import redis.asyncio as aioredis

from app.core.config import settings
from app.realtime.events import encode, id_key

FIREHOSE = "events:firehose"

# The age cut is taken from the new id's milliseconds (Redis's clock, not the caller's);
# exact MINID trimming touches only the entries it removes, usually none.
_PUBLISH = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'd', ARGV[1])
local now_ms = tonumber(string.match(id, '^(%d+)'))
redis.call('XTRIM', KEYS[1], 'MINID', '=', now_ms - tonumber(ARGV[5]))
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'u', ARGV[4], 'i', id, 'd', ARGV[1])
return id
"""


def user_stream(user_id: uuid.UUID | str) -> str:
    return f"events:user:{user_id}"


def _args(user_id: uuid.UUID | str, event: dict[str, Any]) -> tuple[list[str], list[str]]:
    keys = [user_stream(user_id), FIREHOSE]
    realtime = settings.realtime
    argv = [encode(event), str(realtime.EVENT_STREAM_MAXLEN), str(realtime.FIREHOSE_MAXLEN),
            str(user_id), str(realtime.EVENT_STREAM_MAX_AGE_S * 1000),
            str(realtime.EVENT_STREAM_IDLE_TTL_S)]
    return keys, argv


def publish_sync(client: redis.Redis, user_id: uuid.UUID | str, event: dict[str, Any]) -> str:
    """Append an event from a worker; returns its id in the user's stream."""
    keys, argv = _args(user_id, event)
    event_id = client.eval(_PUBLISH, 2, *keys, *argv)
    return event_id.decode() if isinstance(event_id, bytes) else str(event_id)


async def publish(
    client: aioredis.Redis, user_id: uuid.UUID | str, event: dict[str, Any]
) -> str:
    """Append an event from the API; returns its id in the user's stream."""
    keys, argv = _args(user_id, event)
    event_id = await client.eval(_PUBLISH, 2, *keys, *argv)
    return event_id.decode() if isinstance(event_id, bytes) else str(event_id)


async def read_after(
    client: aioredis.Redis, user_id: uuid.UUID | str, last_id: str, count: int = 1000
) -> list[tuple[str, str]]:
    """Events of one user strictly after `last_id` ("0" for all that are kept)."""
    id_key(last_id)  # raises ValueError on a malformed id
    rows: list[tuple[bytes, dict[bytes, bytes]]] = await client.xrange(
        user_stream(user_id), min=f"({last_id}", count=count)  # type: ignore[assignment]
    return [(i.decode(), fields[b"d"].decode()) for i, fields in rows]


async def publish_many(
    client: aioredis.Redis, events: list[tuple[uuid.UUID | str, dict[str, Any]]]
) -> list[str]:
    """Append many events (user id, event) in one round trip; returns their ids in order."""
    if not events:
        return []
    pipe = client.pipeline(transaction=False)
    for user_id, event in events:
        keys, argv = _args(user_id, event)
        pipe.eval(_PUBLISH, 2, *keys, *argv)
    ids = await pipe.execute()
    return [i.decode() if isinstance(i, bytes) else str(i) for i in ids]
