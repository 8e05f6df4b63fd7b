"""Live connections per user, counted across every API process in Redis.

Each WebSocket or SSE connection holds a slot in `conns:user:{id}` (a sorted set scored
by when the slot goes stale) while it lives and renews it with each keepalive; a process
that dies leaves slots that lapse after SLOT_STALE_S. At WS_MAX_CONNECTIONS_PER_USER a new
connection is refused (WebSocket close 4429, SSE 429).
"""

from __future__ import annotations

import time
import uuid

import redis.asyncio as aioredis

from app.core.config import settings

# Well above the 15 s keepalive that renews a slot.
SLOT_STALE_S = 60

_TAKE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[1] + ARGV[4], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""


def _key(user_id: str) -> str:
    return f"conns:user:{user_id}"


class Slot:
    """One connection's place in its user's count."""

    def __init__(self, client: aioredis.Redis, user_id: str) -> None:
        self._client = client
        self._key = _key(user_id)
        self._member = uuid.uuid4().hex

    async def take(self) -> bool:
        """Whether the user had room for one more connection (the slot is then held)."""
        taken = await self._client.eval(
            _TAKE, 1, self._key, time.time(), self._member,
            settings.realtime.WS_MAX_CONNECTIONS_PER_USER, SLOT_STALE_S)
        return bool(taken)

    async def renew(self) -> None:
        await self._client.zadd(self._key, {self._member: time.time() + SLOT_STALE_S}, xx=True)
        await self._client.expire(self._key, SLOT_STALE_S)

    async def release(self) -> None:
        await self._client.zrem(self._key, self._member)
