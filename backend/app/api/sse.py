"""Server-sent events for one job, for clients without WebSockets."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import redis.asyncio as aioredis
from fastapi import Request

from app.core.security import TokenClaims
from app.models.job import FINAL_STATES
from app.realtime.events import FINAL_EVENTS
from app.realtime.hub import EventHub
from app.realtime.replay import replay_then_live
from app.realtime.slots import Slot

KEEPALIVE_S = 15.0


def _frame(event: str, data: str, event_id: str | None = None) -> str:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}event: {event}\ndata: {data}\n\n"


async def job_event_stream(
    *,
    request: Request,
    redis: aioredis.Redis,
    hub: EventHub,
    user_id: str,
    job_id: str,
    snapshot: dict[str, Any],
    last_event_id: str | None,
    token: TokenClaims | None,
    slot: Slot,
) -> AsyncIterator[str]:
    """A snapshot of the job, then its events (resumed after Last-Event-ID) until final,
    or until the token that opened it expires or is revoked (the user deactivated)."""
    ends = token.expires if token is not None else float("inf")
    try:
        async with hub.subscribe(user_id, token.token_id if token else None) as sub:
            yield _frame("snapshot", json.dumps(snapshot))
            finished = snapshot["state"] in FINAL_STATES
            idle_s = 1.0 if finished else min(KEEPALIVE_S, max(0.1, ends - time.time()))
            async for item in replay_then_live(sub=sub, redis=redis,
                                               last_id=last_event_id or "0", idle_s=idle_s):
                if time.time() >= ends:
                    return
                if item is None:
                    if finished or await request.is_disconnected():
                        return
                    await slot.renew()
                    yield ": keepalive\n\n"
                    continue
                event_id, data = item
                event = json.loads(data)
                if event.get("job_id") != job_id:
                    continue
                yield _frame(event["type"], data, event_id)
                if event["type"] in FINAL_EVENTS:
                    return
    finally:
        await slot.release()
