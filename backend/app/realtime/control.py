"""Control entries on the firehose: end a user's live connections when a credential goes.

A revocation (logout, password change, deactivation) is appended to `events:firehose`
with a `c` field; every API process's hub reads it in order with the events and ends the
matching connections of that user at once. It is not in the user's own stream, so a
resume never replays it.
"""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis

from app.core.config import settings
from app.realtime.bus import FIREHOSE

REVOKE = b"revoke"
ALL_TOKENS = "*"  # every connection of the user, whatever opened it


async def publish_revocation(client: aioredis.Redis, user_id: uuid.UUID | str,
                             token_id: str | None = None) -> None:
    """End the user's connections opened with `token_id`, or all of them when None."""
    await client.xadd(FIREHOSE, {"u": str(user_id), "c": REVOKE,
                                 "j": token_id or ALL_TOKENS},
                      maxlen=settings.realtime.FIREHOSE_MAXLEN, approximate=True)
