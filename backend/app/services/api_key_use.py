"""When each API key was last used: a Redis time per key, written on every request the key
authenticates and read when the keys are listed.

Not the `api_keys.last_used_at` column: updating the row inside the request's transaction
would hold its lock for the whole request, so two concurrent requests with one key (a
long upload, say) would queue behind each other. A lost Redis write only makes the time
older; the key still works."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import redis.asyncio as aioredis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

KEEP_S = 400 * 24 * 3600  # a key unused for over a year reads as never used


def _key(key_id: uuid.UUID) -> str:
    return f"auth:api-key-used:{key_id}"


async def note_use(redis: aioredis.Redis, key_id: uuid.UUID) -> None:
    """Record that the key authenticated a request now; never fails the request."""
    try:
        await redis.set(_key(key_id), int(time.time()), ex=KEEP_S)
    except RedisError:
        log.warning("auth.api_key_use_not_recorded", extra={"key_id": str(key_id)},
                    exc_info=True)


async def last_used(redis: aioredis.Redis,
                    key_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, datetime | None]:
    """Each key's last use (None: not since this was recorded), with one MGET."""
    if not key_ids:
        return {}
    stamps = await redis.mget([_key(k) for k in key_ids])
    return {k: datetime.fromtimestamp(int(s), UTC) if s is not None else None
            for k, s in zip(key_ids, stamps, strict=True)}
