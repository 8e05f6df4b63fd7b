"""Per-user event streams share the no-eviction Redis with the broker, so none may grow or
live without bound: an idle stream expires, and old events go by age as well as count."""

from __future__ import annotations

import uuid

import redis

from app.core.config import settings
from app.realtime.bus import publish_sync, user_stream
from app.realtime.events import job_event


def test_a_user_stream_expires_when_idle_and_drops_events_past_their_age() -> None:
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    user_id = uuid.uuid4()
    key = user_stream(user_id)
    try:
        client.xadd(key, {"d": "{}"}, id="1-1")  # an event from 1970, past any age limit
        publish_sync(client, user_id, job_event("job.progress", str(uuid.uuid4()), progress=1))
        ttl = client.ttl(key)
        assert ttl > 0, "a user stream must expire once its user is idle"
        assert ttl <= settings.realtime.EVENT_STREAM_IDLE_TTL_S
        kept = [event_id for event_id, _ in client.xrange(key) or []]
        assert b"1-1" not in kept and len(kept) == 1
    finally:
        client.delete(key)
        client.close()
