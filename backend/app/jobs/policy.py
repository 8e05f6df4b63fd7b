"""Retry policies: which errors are transient, how many retries, how long between them.

Backoff is exponential with full jitter (AWS Architecture Blog, "Exponential Backoff And
Jitter", 2015): sleep = uniform(0, min(cap, base * 2**retry)).
"""

from __future__ import annotations

import random
import socket
from dataclasses import dataclass, field

import httpx
import redis
from sqlalchemy.exc import DBAPIError, OperationalError

from app.core.config import settings
from app.jobs.names import TaskName


class TransientError(Exception):
    """Raised by domain code for a failure that may pass: an upstream 5xx, a busy service."""


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError, ConnectionError, TimeoutError, socket.timeout, httpx.TransportError,
    redis.ConnectionError, redis.TimeoutError, OperationalError,
)
# Not RenderTimeout: a render runs out of its deadline because of its own size (length,
# resolution, effects), and the same fleet takes as long again; retrying it three times
# burned ~3 h of worker time. It fails for good (`render_timeout`, app/jobs/execute.py).


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 3
    backoff_base_s: float = 2.0
    backoff_cap_s: float = 300.0
    # a worker that stopped heart-beating for this long is presumed dead
    stale_after_s: float = field(default_factory=lambda: settings.broker.JOB_STALE_AFTER_S)

    def backoff_s(self, retry: int, rng: random.Random | None = None) -> float:
        """Full-jitter delay before retry number `retry` (1-based)."""
        ceiling = min(self.backoff_cap_s, self.backoff_base_s * 2 ** (retry - 1))
        return (rng or random).uniform(0.0, ceiling)


DEFAULT_POLICY = RetryPolicy()
POLICIES: dict[str, RetryPolicy] = {
    TaskName.VIDEO_RENDER.value: RetryPolicy(max_retries=2, backoff_base_s=5.0,
                                             backoff_cap_s=120.0),
    # a lost segment is rendered again at once: its parent waits on it
    TaskName.VIDEO_SEGMENT.value: RetryPolicy(max_retries=3, backoff_base_s=1.0,
                                              backoff_cap_s=10.0),
    TaskName.VIDEO_SEGMENT_GPU.value: RetryPolicy(max_retries=3, backoff_base_s=1.0,
                                                  backoff_cap_s=10.0),
}


def policy_for(task_name: str) -> RetryPolicy:
    return POLICIES.get(task_name, DEFAULT_POLICY)


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and not isinstance(exc, OperationalError):
        return False  # integrity and data errors repeat the same way
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code >= 500 or exc.response.status_code == 429
    return isinstance(exc, TRANSIENT_ERRORS)


def check_policies_fit_visibility_timeout() -> None:
    """Refuse to start when a backoff could outlast the broker's visibility timeout."""
    for name, policy in {"default": DEFAULT_POLICY, **POLICIES}.items():
        longest = max(policy.backoff_cap_s, policy.stale_after_s)
        if longest >= settings.broker.VISIBILITY_TIMEOUT_S:
            raise RuntimeError(f"retry policy of {name}: {longest} s is not below the "
                               f"visibility timeout of {settings.broker.VISIBILITY_TIMEOUT_S} s")
