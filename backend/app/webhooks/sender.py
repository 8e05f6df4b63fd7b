"""One delivery attempt: claim the row, sign the body, POST it, decide, record.

Network errors, 408, 429 and 5xx answers are retried (the wait honours Retry-After);
other answers, refused URLs and too many redirects fail the delivery at once.
"""

from __future__ import annotations

import random
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.core.http import post_checked
from app.models.base import utcnow
from app.models.webhook import DeliveryStatus
from app.webhooks import deliveries
from app.webhooks.config import DeliveryConfig
from app.webhooks.webhooks import signed_headers

LEASE_MARGIN_S = 30.0  # beyond the attempt's own timeout, before another worker takes over
EXCERPT_BYTES = 256


@dataclass(frozen=True)
class Step:
    """What the task does next: nothing, or publish again after `retry_in_s`."""

    status: str  # a DeliveryStatus value, or "skipped" when another attempt holds the row
    retry_in_s: float | None = None


@dataclass(frozen=True)
class Answer:
    """How one attempt went, before deciding whether to try again."""

    ok: bool
    retryable: bool
    status_code: int | None = None
    error: str | None = None
    retry_after_s: float | None = None
    excerpt: str | None = None


def send(claimed: deliveries.Claimed, secret: str, config: DeliveryConfig,
         verify: ssl.SSLContext | bool) -> Answer:
    """POST the signed payload once (redirects included) and classify the answer."""
    body = claimed.payload.encode()
    headers = signed_headers(secret=secret, body=body, event_id=str(claimed.event_id),
                             event_type=claimed.event_type)
    outcome = post_checked(claimed.url, body, headers, policy=config.policy,
                           limits=config.limits, verify=verify)
    reply = outcome.reply
    if reply is None:
        return Answer(ok=False, retryable=outcome.retryable, error=outcome.error)
    excerpt = reply.body[:EXCERPT_BYTES].decode("utf-8", "replace") or None
    return Answer(ok=outcome.ok, retryable=outcome.retryable, status_code=reply.status_code,
                  error=outcome.error, retry_after_s=outcome.retry_after_s, excerpt=excerpt)


def attempt_delivery(delivery_id: uuid.UUID, *, config: DeliveryConfig,
                     verify: ssl.SSLContext | bool = True,
                     rng: random.Random | None = None) -> Step:
    """Run the next attempt of a delivery and record it; says when to try again."""
    claimed = deliveries.claim(delivery_id,
                               lease_s=config.limits.total_timeout_s + LEASE_MARGIN_S)
    if claimed is None:
        return Step("skipped")
    started, clock = utcnow(), time.monotonic()
    secret = deliveries.secret_for(claimed)
    answer = (send(claimed, secret, config, verify) if secret is not None else
              Answer(ok=False, retryable=False, error="refused: the endpoint was deleted"))
    entry: dict[str, Any] = {
        "attempt": claimed.attempt, "started_at": started.isoformat(),
        "duration_ms": round((time.monotonic() - clock) * 1000), "url": claimed.url,
        "status_code": answer.status_code, "error": answer.error, "response": answer.excerpt}
    backoff = config.backoff
    retry_in_s: float | None = None
    if answer.ok:
        status = DeliveryStatus.SUCCEEDED
    elif answer.retryable and claimed.attempt < backoff.max_attempts:
        status = DeliveryStatus.RETRYING
        retry_in_s = backoff.delay_s(claimed.attempt, answer.retry_after_s, rng)
        entry.update(retry_in_s=round(retry_in_s, 3), retry_after_s=answer.retry_after_s,
                     backoff_ceiling_s=backoff.ceiling_s(claimed.attempt))
    else:
        status = DeliveryStatus.FAILED
    due = utcnow() + timedelta(seconds=retry_in_s) if retry_in_s is not None else None
    if not deliveries.record(claimed, status=status, status_code=answer.status_code,
                             error=answer.error, next_attempt_at=due, entry=entry):
        return Step("skipped")  # another worker took the row over meanwhile
    return Step(status.value, retry_in_s)
