"""app.core.http.retry: which statuses pass later, Retry-After in both RFC forms, jitter."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from app.core.http import (
    ceiling_s,
    equal_jitter_s,
    full_jitter_s,
    parse_retry_after,
    retryable_status,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def test_408_429_and_5xx_may_pass_later_other_answers_not() -> None:
    assert [c for c in (200, 204, 301, 400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503,
                        504, 599) if retryable_status(c)] == [408, 429, 500, 502, 503, 504, 599]


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("0", now=NOW) == 0.0
    assert parse_retry_after(" 120 ", now=NOW) == 120.0


def test_retry_after_as_an_http_date() -> None:
    later = format_datetime(NOW + timedelta(seconds=45), usegmt=True)
    assert parse_retry_after(later, now=NOW) == 45.0
    earlier = format_datetime(NOW - timedelta(seconds=45), usegmt=True)
    assert parse_retry_after(earlier, now=NOW) == 0.0  # past: come back now
    # A date without a zone reads as UTC; without `now` the clock is asked.
    assert parse_retry_after("Sat, 01 Mar 2025 12:01:00", now=NOW) == 60.0
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 28.0 <= (parse_retry_after(soon) or 0.0) <= 30.0


def test_other_retry_after_values_are_ignored() -> None:
    for value in (None, "", "  ", "soon", "-5", "1.5", "inf", "²", "Mon, 99 Foo 2025"):
        assert parse_retry_after(value, now=NOW) is None, value


def test_ceiling_doubles_up_to_the_cap() -> None:
    assert [ceiling_s(n, base_s=0.5, cap_s=3.0) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0,
                                                                          3.0]


def test_jitter_stays_within_its_band() -> None:
    rng = random.Random(7)
    full = [full_jitter_s(8.0, rng) for _ in range(500)]
    equal = [equal_jitter_s(8.0, rng) for _ in range(500)]
    assert 0.0 <= min(full) < 1.0 and 7.0 < max(full) <= 8.0
    assert 4.0 <= min(equal) < 4.5 and 7.5 < max(equal) <= 8.0
