"""Backoff: full jitter under doubling ceilings, Retry-After honoured up to its cap."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from app.core.http.retry import parse_retry_after, retryable_status
from app.webhooks.backoff import Backoff

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_ceilings_double_up_to_the_cap_and_delays_stay_under_them() -> None:
    backoff = Backoff(base_s=2.0, cap_s=20.0)
    assert [backoff.ceiling_s(n) for n in range(1, 6)] == [2.0, 4.0, 8.0, 16.0, 20.0]
    rng = random.Random(7)
    for attempt in range(1, 8):
        delays = [backoff.delay_s(attempt, rng=rng) for _ in range(200)]
        assert all(0.0 <= d <= backoff.ceiling_s(attempt) for d in delays)
        # full jitter spreads over the whole range, not only its top
        assert min(delays) < 0.2 * backoff.ceiling_s(attempt) < max(delays)


def test_retry_after_replaces_the_jitter_up_to_its_cap() -> None:
    backoff = Backoff(base_s=2.0, cap_s=20.0, retry_after_cap_s=60.0)
    assert backoff.delay_s(1, retry_after_s=30.0) == 30.0
    assert backoff.delay_s(1, retry_after_s=3600.0) == 60.0


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert parse_retry_after("120", now=NOW) == 120.0
    assert parse_retry_after(format_datetime(NOW + timedelta(seconds=90), usegmt=True),
                             now=NOW) == 90.0
    assert parse_retry_after(format_datetime(NOW - timedelta(seconds=90), usegmt=True),
                             now=NOW) == 0.0
    for unreadable in (None, "", "soon", "-5", "1.5"):
        assert parse_retry_after(unreadable, now=NOW) is None


def test_only_transient_statuses_are_retried() -> None:
    assert [c for c in (200, 301, 400, 401, 404, 408, 410, 422, 429, 500, 502, 503)
            if retryable_status(c)] == [408, 429, 500, 502, 503]
