"""Outgoing calls to a platform: timeouts from app.core.http, 429/5xx and network errors
retried with full jitter while the deadline allows, one token refresh on a 401.

Query strings never reach a log: token endpoints take secrets in the query (Instagram's
`ig_exchange_token`), and httpx logs every request's URL at INFO.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from app.core.http import ceiling_s, full_jitter_s, parse_retry_after, retryable_status, timeout
from app.publishing.base import Grant, Tokens
from app.publishing.errors import PublishTransientError

Sleep = Callable[[float], None]
Clock = Callable[[], float]
Refresh = Callable[[Tokens], Tokens]
BODY_EXCERPT_CHARS = 300


class _NoQueryInLogs(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 1 and isinstance(args[1], httpx.URL) \
                and args[1].query:
            record.args = (args[0], args[1].copy_with(query=None), *args[2:])
        return True


logging.getLogger("httpx").addFilter(_NoQueryInLogs())


@dataclass(frozen=True)
class CallPolicy:
    """How long one call may keep trying, and how it waits between tries."""

    timeout_s: float = 60.0
    deadline_s: float = 600.0
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 60.0


class Interrupted(Exception):
    """A call that sent a body did not complete (cut, 429 or 5xx) and has waited its
    backoff: the caller asks the platform what arrived before sending again."""


def redacted(url: str | httpx.URL) -> str:
    """`url` without its query string, for messages."""
    return str(httpx.URL(str(url)).copy_with(query=None))


def excerpt(response: httpx.Response) -> str:
    """The start of an error body, for a message."""
    return response.text[:BODY_EXCERPT_CHARS]


class Caller:
    """One platform's HTTP client with its retry and refresh rules."""

    def __init__(self, platform: str, policy: CallPolicy, *,
                 transport: httpx.BaseTransport | None = None, sleep: Sleep = time.sleep,
                 clock: Clock = time.monotonic, rng: random.Random | None = None) -> None:
        self.platform = platform
        self.policy = policy
        self.client = httpx.Client(timeout=timeout(policy.timeout_s), transport=transport)
        self._sleep, self._clock, self._rng = sleep, clock, rng
        self.waits: list[float] = []  # every backoff taken, for reports and tests

    def request(self, method: str, url: str, *, grant: Grant | None = None,
                refresh: Refresh | None = None, resend: bool = True,
                body: Callable[[], Any] | None = None, deadline: float | None = None,
                **kwargs: Any) -> httpx.Response:
        """The first answer that is neither 429 nor 5xx (401 refreshed once when `grant`
        and `refresh` are given). `body` builds the content for each try (a fresh file
        reader). With `resend=False` a failed try raises Interrupted after its wait.
        `deadline` (on this caller's clock) bounds the waits; default: the policy's."""
        if deadline is None:
            deadline = self.deadline()
        attempt, refreshed = 0, False
        while True:
            headers = dict(kwargs.pop("headers", None) or {})
            kwargs["headers"] = headers
            if grant is not None:
                headers["Authorization"] = f"Bearer {grant.tokens.access_token}"
            if body is not None:
                kwargs["content"] = body()
            attempt += 1
            try:
                response = self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                problem, wait = f"{type(exc).__name__}", None
            else:
                if response.status_code == 401 and grant is not None and refresh is not None \
                        and not refreshed:
                    refreshed = True
                    grant.replace(refresh(grant.tokens))
                    continue
                if not retryable_status(response.status_code):
                    return response
                problem = f"HTTP {response.status_code}: {excerpt(response)}"
                wait = parse_retry_after(response.headers.get("retry-after"))
            self._wait(method, url, problem, wait, attempt, deadline)
            if not resend:
                raise Interrupted(problem)

    def deadline(self) -> float:
        """The end of the policy's deadline from now, on this caller's clock."""
        return self._clock() + self.policy.deadline_s

    def _wait(self, method: str, url: str, problem: str, asked: float | None,
              attempt: int, deadline: float) -> None:
        p = self.policy
        wait = asked if asked is not None else full_jitter_s(
            ceiling_s(attempt, base_s=p.backoff_base_s, cap_s=p.backoff_cap_s), self._rng)
        if self._clock() + wait > deadline:
            code = "rate_limited" if problem.startswith("HTTP 429") else "unavailable"
            raise PublishTransientError(
                code, f"{self.platform}: {method} {redacted(url)} still failing after "
                f"{attempt} tries ({problem})", retry_after_s=wait)
        self.waits.append(wait)
        self._sleep(wait)

    def close(self) -> None:
        self.client.close()
