"""Failure-rate alerts: an event on every admin's stream and a signed webhook, once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import redis

from app.core.config import settings
from app.realtime.bus import user_stream
from app.services.maintenance import check_failed_tasks
from tests.ops.rows import add_jobs, job, make_user
from tests.ops.webhook import Receiver

SECRET = "whsec-test-0123456789abcdef"
EPOCH = datetime(2002, 3, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    with redis.Redis.from_url(settings.broker.REDIS_URL) as conn:
        yield conn


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver(SECRET).start()
    try:
        yield hook
    finally:
        hook.stop()


@pytest.fixture
def now() -> datetime:
    """A moment whose window holds this test's jobs alone (days apart from any other)."""
    return EPOCH + timedelta(days=uuid.uuid4().int % 10_000)


def queue_name() -> str:
    return f"q-{uuid.uuid4().hex[:10]}"  # jobs.queue is free text: a queue of this test alone


def failing_queue(queue: str, now: datetime, *, failed: int, succeeded: int) -> None:
    user = make_user()
    at = now - timedelta(minutes=3)
    add_jobs([job(user, created=at, queue=queue, state="failed", error_code="ffmpeg_failed")
              for _ in range(failed)]
             + [job(user, created=at, queue=queue) for _ in range(succeeded)])


def alerts_for(client: redis.Redis, user_id: uuid.UUID, queue: str) -> list[dict[str, Any]]:
    events = [json.loads(fields[b"d"]) for _, fields in client.xrange(user_stream(user_id))]
    return [e for e in events if e["type"] == "alert.failure_rate" and e["queue"] == queue]


def test_high_failure_rate_alerts_admins_and_the_webhook_once(
        client: redis.Redis, receiver: Receiver, now: datetime) -> None:
    hot, quiet, tiny = queue_name(), queue_name(), queue_name()
    failing_queue(hot, now, failed=4, succeeded=6)  # 40 % > 25 %
    failing_queue(quiet, now, failed=1, succeeded=9)  # 10 %
    failing_queue(tiny, now, failed=2, succeeded=0)  # 100 % of too few jobs to judge
    admin, user = make_user(role="admin"), make_user()

    result = check_failed_tasks(client=client, now=now, webhook_url=receiver.url,
                                webhook_secret=SECRET)

    assert result["queues"][hot] == 0.4 and result["queues"][quiet] == 0.1
    assert result["alerted"] == [hot] and result["webhook"] == "sent"
    [alert] = alerts_for(client, admin, hot)
    assert (alert["failed"], alert["finished"]) == (4, 10)
    assert alert["top_errors"] == [{"code": "ffmpeg_failed", "count": 4}]
    assert alerts_for(client, user, hot) == []  # only admins hear about it
    assert receiver.rejected == []
    [payload] = receiver.received
    assert payload["type"] == "alert.failure_rate"
    assert [a["queue"] for a in payload["alerts"]] == [hot]

    again = check_failed_tasks(client=client, now=now, webhook_url=receiver.url,
                               webhook_secret=SECRET)
    assert again["alerting"] == [hot] and again["alerted"] == []  # cooling down
    assert len(alerts_for(client, admin, hot)) == 1 and len(receiver.received) == 1


def test_a_failing_webhook_does_not_fail_the_check(client: redis.Redis, receiver: Receiver,
                                                   now: datetime) -> None:
    hot = queue_name()
    failing_queue(hot, now, failed=5, succeeded=0)
    admin = make_user(role="admin")
    receiver.answer = 503

    result = check_failed_tasks(client=client, now=now, webhook_url=receiver.url,
                                webhook_secret=SECRET)

    assert hot in result["alerted"] and result["webhook"] == "failed"
    assert len(alerts_for(client, admin, hot)) == 1


def test_receiver_refuses_a_wrong_secret(client: redis.Redis, receiver: Receiver,
                                         now: datetime) -> None:
    hot = queue_name()
    failing_queue(hot, now, failed=5, succeeded=1)
    result = check_failed_tasks(client=client, now=now, webhook_url=receiver.url,
                                webhook_secret="not-the-shared-secret-at-all")
    assert result["webhook"] == "failed"
    assert receiver.rejected == ["bad signature"] and receiver.received == []
