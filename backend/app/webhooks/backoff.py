"""When to try a webhook again, and how long to wait first.

Waits are exponential with full jitter (app.core.http.retry): uniform(0, min(cap,
base * 2**(n-1))) before retry n. A receiver's Retry-After (seconds or an HTTP date,
read by app.core.http) replaces the jittered wait, up to a cap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from app.core.http import retry as http_retry


@dataclass(frozen=True)
class Backoff:
    """How many attempts a delivery gets and the waits between them."""

    max_attempts: int = 10
    base_s: float = 10.0
    cap_s: float = 3600.0
    retry_after_cap_s: float = 3600.0

    def ceiling_s(self, attempt: int) -> float:
        """The longest wait after failed attempt number `attempt` (1-based)."""
        return http_retry.ceiling_s(attempt, base_s=self.base_s, cap_s=self.cap_s)

    def delay_s(self, attempt: int, retry_after_s: float | None = None,
                rng: random.Random | None = None) -> float:
        """The wait after failed attempt `attempt`: Retry-After if given, else full jitter."""
        if retry_after_s is not None:
            return min(retry_after_s, self.retry_after_cap_s)
        return http_retry.full_jitter_s(self.ceiling_s(attempt), rng)
