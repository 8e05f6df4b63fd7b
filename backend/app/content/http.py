"""HTTP calls with bounded retries: backoff on 429, 5xx and network errors, Retry-After honoured."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

Sleep = Callable[[float], None]

CONNECT_TIMEOUT_S = 10.0
# Error bodies are kept for the message; a whole HTML error page is of no use past this.
BODY_EXCERPT_CHARS = 2000


@dataclass(frozen=True)
class HttpRetry:
    """How often one call is tried and how long it may wait between two tries."""

    max_attempts: int = 4
    base_delay_s: float = 0.5
    # A server asking for a longer pause than this is answered by the task layer's countdown,
    # not by a worker slot sleeping.
    max_wait_s: float = 30.0


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


def is_retryable(status: int) -> bool:
    """429 and 408 (the server asks to come back) and every 5xx."""
    return status in (408, 429) or status >= 500


def retry_after_s(headers: httpx.Headers) -> float | None:
    """Seconds asked by a Retry-After header (delta seconds or an HTTP date), if any."""
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def make_client(
    base_url: str,
    *,
    headers: dict[str, str],
    timeout_s: float,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """A client with separate connect and read timeouts for one service."""
    timeout = httpx.Timeout(timeout_s, connect=min(CONNECT_TIMEOUT_S, timeout_s))
    return httpx.Client(
        base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
    )


def _backoff_s(attempt: int, policy: HttpRetry) -> float:
    # Equal jitter: at least half the exponential step, so retries never pile up at once.
    step = min(policy.max_wait_s, policy.base_delay_s * 2.0 ** (attempt - 1))
    return step / 2 + random.uniform(0, step / 2)


def _failure(method: str, url: str, response: httpx.Response) -> HttpFailure:
    body = response.text[:BODY_EXCERPT_CHARS]
    return HttpFailure(
        f"{method} {url} answered {response.status_code}: {body[:200]}",
        status=response.status_code,
        body=body,
        retryable=is_retryable(response.status_code),
        retry_after_s=retry_after_s(response.headers),
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
            delay = _backoff_s(attempt, policy)
        elif delay > policy.max_wait_s:
            raise failure
        sleep(delay)
