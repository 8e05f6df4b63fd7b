"""The per-account quota counter on the test Redis: concurrent reservations never pass the
daily budget together, and the day's key ends at midnight Pacific time."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import redis

from app.core.config import settings
from app.services.social_accounts import quota

UPLOAD, DAILY = 1600, 10_000


def test_concurrent_reservations_stop_at_the_budget() -> None:
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    account = uuid.uuid4()
    with ThreadPoolExecutor(max_workers=16) as pool:
        taken = list(pool.map(lambda _: quota.reserve(client, account, UPLOAD, DAILY),
                              range(16)))
    assert taken.count(True) == DAILY // UPLOAD  # 6 of 16
    assert quota.used_today(client, account) == 6 * UPLOAD
    quota.add(client, account, 3 - UPLOAD)  # an attempt that spent 3 units of its 1,600
    assert quota.used_today(client, account) == 5 * UPLOAD + 3
    key = quota.quota_key(account, quota.quota_day())
    assert client.expiretime(key) == int(quota.reset_at().timestamp())
    client.close()


def test_the_quota_day_is_the_pacific_day() -> None:
    # 07:30 UTC on 10 March 2026 is 00:30 PDT (UTC-7): a new day since 07:00 UTC
    assert str(quota.quota_day(datetime(2026, 3, 10, 7, 30, tzinfo=UTC))) == "2026-03-10"
    assert str(quota.quota_day(datetime(2026, 3, 10, 6, 30, tzinfo=UTC))) == "2026-03-09"
    # the day of the spring change has 23 hours: its end is 07:00 UTC, not 08:00
    assert quota.reset_at(datetime(2026, 3, 8, 9, 0, tzinfo=UTC)) == \
        datetime(2026, 3, 9, 7, 0, tzinfo=UTC)
    assert quota.reset_at(datetime(2026, 1, 15, 12, 0, tzinfo=UTC)) == \
        datetime(2026, 1, 16, 8, 0, tzinfo=UTC)
