"""When to try a webhook again, and how long to wait first.

Waits are exponential with full jitter (AWS Architecture Blog, "Exponential Backoff And
Jitter", 2015): uniform(0, min(cap, base * 2**(n-1))) before retry n. A receiver's
Retry-After (seconds or an HTTP date, RFC 9110 §10.2.3) replaces the jittered wait, up to
a cap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retryable_status(code: int) -> bool:
    """Server errors, 429 Too Many Requests and 408 Request Timeout may pass."""
    return code >= 500 or code in (408, 429)


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds asked for by a Retry-After header; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class Backoff:
    """How many attempts a delivery gets and the waits between them."""

    max_attempts: int = 10
    base_s: float = 10.0
    cap_s: float = 3600.0
    retry_after_cap_s: float = 3600.0

    def ceiling_s(self, attempt: int) -> float:
        """The longest wait after failed attempt number `attempt` (1-based)."""
        return min(self.cap_s, self.base_s * 2.0 ** (attempt - 1))

    def delay_s(self, attempt: int, retry_after_s: float | None = None,
                rng: random.Random | None = None) -> float:
        """The wait after failed attempt `attempt`: Retry-After if given, else full jitter."""
        if retry_after_s is not None:
            return min(retry_after_s, self.retry_after_cap_s)
        uniform = rng.uniform if rng is not None else random.uniform
        return uniform(0.0, self.ceiling_s(attempt))
