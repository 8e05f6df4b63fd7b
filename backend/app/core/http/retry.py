"""When an HTTP call may be tried again, and how long to wait before it.

A status is worth another try when the server says so (408, 429) or failed (5xx). A
Retry-After header (RFC 9110 §10.2.3: delay seconds or an HTTP date) replaces the
computed wait. Computed waits grow exponentially under a cap, with jitter (AWS
Architecture Blog, "Exponential Backoff And Jitter", 2015) so that clients refused at the
same moment do not come back at the same moment.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retryable_status(code: int) -> bool:
    """Server errors, 429 Too Many Requests and 408 Request Timeout may pass later."""
    return code >= 500 or code in (408, 429)


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds asked for by a Retry-After value; None when absent or unreadable.

    Only the two RFC forms count: whole seconds ("120") and an HTTP date, a date in the
    past reading as 0. Fractions and negative numbers are not delay-seconds.
    """
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # isdigit alone takes "²", which float refuses
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def ceiling_s(attempt: int, *, base_s: float, cap_s: float) -> float:
    """The exponential step after failed attempt number `attempt` (1-based), capped."""
    return min(cap_s, base_s * 2.0 ** (attempt - 1))


def full_jitter_s(ceiling: float, rng: random.Random | None = None) -> float:
    """Anywhere between no wait and `ceiling`: spreads many waiting callers the most."""
    uniform = rng.uniform if rng is not None else random.uniform
    return uniform(0.0, ceiling)


def equal_jitter_s(ceiling: float, rng: random.Random | None = None) -> float:
    """At least half of `ceiling`, so a caller that sleeps in place never retries at once."""
    uniform = rng.uniform if rng is not None else random.uniform
    return ceiling / 2 + uniform(0, ceiling / 2)
