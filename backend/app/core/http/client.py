"""Calls to a configured service (a model server, a speech API) with bounded retries.

`send` tries again on 408, 429, 5xx and network errors, waiting as Retry-After asks or
with equal jitter, and raises HttpFailure at once on any other 4xx. The worker sleeps in
place only up to `max_wait_s`; a server asking for longer gets its answer from the task
layer's countdown instead (the failure carries `retry_after_s`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from app.core.http.retry import ceiling_s, equal_jitter_s, parse_retry_after, retryable_status

Sleep = Callable[[float], None]
# What went wrong, in the words the callers' error codes use (llm_<kind>, tts_<kind>).
FailureKind = Literal["unreachable", "rate_limited", "unavailable", "auth", "not_found",
                      "rejected"]

CONNECT_TIMEOUT_S = 10.0
# Error bodies are kept for the message; a whole HTML error page is of no use past this.
BODY_EXCERPT_CHARS = 2000


def timeout(total_s: float, *, connect_s: float = CONNECT_TIMEOUT_S) -> httpx.Timeout:
    """`total_s` for each read and write, and no more than `connect_s` to connect."""
    return httpx.Timeout(total_s, connect=min(connect_s, total_s))


@dataclass(frozen=True)
class HttpRetry:
    """How often one call is tried and how long it may wait between two tries."""

    max_attempts: int = 4
    base_delay_s: float = 0.5
    # A server asking for a longer pause than this is answered by the task layer's countdown,
    # not by a worker slot sleeping.
    max_wait_s: float = 30.0

    def backoff_s(self, attempt: int) -> float:
        """The wait after failed attempt `attempt` when the server named none."""
        return equal_jitter_s(ceiling_s(attempt, base_s=self.base_delay_s, cap_s=self.max_wait_s))


class HttpFailure(Exception):
    """A call that did not succeed: `status` is None for network errors and timeouts."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None,
        body: str = "",
        retryable: bool,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body
        self.retryable = retryable
        self.retry_after_s = retry_after_s

    @property
    def kind(self) -> FailureKind:
        """No answer, asked to slow down, failing, refusing the key, not found, or refused."""
        if self.status is None:
            return "unreachable"
        if self.retryable:
            return "rate_limited" if self.status == 429 else "unavailable"
        if self.status in (401, 403):
            return "auth"
        return "not_found" if self.status == 404 else "rejected"


def make_client(
    base_url: str,
    *,
    headers: dict[str, str],
    timeout_s: float,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """A client with separate connect and read timeouts for one service."""
    return httpx.Client(base_url=base_url.rstrip("/"), headers=headers,
                        timeout=timeout(timeout_s), transport=transport)


def _failure(method: str, url: str, response: httpx.Response) -> HttpFailure:
    body = response.text[:BODY_EXCERPT_CHARS]
    return HttpFailure(
        f"{method} {url} answered {response.status_code}: {body[:200]}",
        status=response.status_code,
        body=body,
        retryable=retryable_status(response.status_code),
        retry_after_s=parse_retry_after(response.headers.get("retry-after")),
    )


def send(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    policy: HttpRetry,
    sleep: Sleep = time.sleep,
    **kwargs: Any,
) -> httpx.Response:
    """Send until a 2xx answer; raise HttpFailure at once on other 4xx, or when tries run out."""
    attempt = 0
    while True:
        attempt += 1
        try:
            response = client.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            failure = HttpFailure(
                f"{method} {url} failed: {type(exc).__name__}: {exc}", status=None, retryable=True
            )
        else:
            if response.is_success:
                return response
            failure = _failure(method, url, response)
            if not failure.retryable:
                raise failure
        if attempt >= policy.max_attempts:
            raise failure
        delay = failure.retry_after_s
        if delay is None:
            delay = policy.backoff_s(attempt)
        elif delay > policy.max_wait_s:
            raise failure
        sleep(delay)
