"""Webhook events and their signatures.

Each request carries `Reelforge-Event-Id`, `Reelforge-Timestamp` (Unix seconds) and
`Reelforge-Signature: v1=<hex>`: the HMAC-SHA256 of "<timestamp>.<body>" under the
receiver's secret. A receiver recomputes it and refuses stale timestamps, so a captured
request cannot be replayed later (docs/webhooks.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from datetime import datetime
from typing import Any

JOB_SUCCEEDED = "job.succeeded"
JOB_FAILED = "job.failed"
JOB_DEAD = "job.dead"
# Every type an endpoint may subscribe to, with when it is sent; workflow events join here.
EVENT_DESCRIPTIONS: dict[str, str] = {
    JOB_SUCCEEDED: "a job finished with a result",
    JOB_FAILED: "a job failed for good (a permanent error)",
    JOB_DEAD: "a job ran out of retries (an admin may requeue it)",
}
EVENT_TYPES: tuple[str, ...] = tuple(EVENT_DESCRIPTIONS)

SIGNATURE_VERSION = "v1"
TOLERANCE_S = 300  # receivers refuse timestamps further than this from their clock
SECRET_PREFIX = "whsec_"
USER_AGENT = "Reelforge-Webhooks/1"
# Fixed forever: event ids are uuid5 names under it, so they survive retries and restarts.
EVENT_NAMESPACE = uuid.UUID("6f1d2c3a-8b4e-5f60-9a7b-0c1d2e3f4a5b")

HEADER_EVENT_ID = "Reelforge-Event-Id"
HEADER_EVENT_TYPE = "Reelforge-Event-Type"
HEADER_TIMESTAMP = "Reelforge-Timestamp"
HEADER_SIGNATURE = "Reelforge-Signature"


def new_secret() -> str:
    """A fresh signing secret (256 bits), shown to its owner once."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def event_id_for(subject: uuid.UUID, event_type: str, occurrence: int) -> uuid.UUID:
    """The same subject, type and occurrence (a job's attempt) always give the same id."""
    return uuid.uuid5(EVENT_NAMESPACE, f"{subject}:{event_type}:{occurrence}")


def build_event(*, event_id: uuid.UUID, event_type: str, created_at: datetime,
                data: dict[str, Any]) -> dict[str, Any]:
    """The envelope every webhook body shares."""
    return {"id": str(event_id), "type": event_type, "created_at": created_at.isoformat(),
            "data": data}


def encode_event(event: dict[str, Any]) -> bytes:
    """Compact ASCII JSON: the exact bytes that are signed and sent."""
    return json.dumps(event, separators=(",", ":"), default=str).encode("ascii")


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The `Reelforge-Signature` value for `body` sent at `timestamp`."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def signed_headers(*, secret: str, body: bytes, event_id: str, event_type: str,
                   timestamp: int | None = None) -> dict[str, str]:
    """Headers of one delivery attempt; the timestamp is the attempt's, not the event's."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {"Content-Type": "application/json", "User-Agent": USER_AGENT,
            HEADER_EVENT_ID: event_id, HEADER_EVENT_TYPE: event_type,
            HEADER_TIMESTAMP: str(stamp), HEADER_SIGNATURE: sign(secret, stamp, body)}


def verify_signature(*, secret: str, body: bytes | str, timestamp: str, signature: str,
                     tolerance_s: float = TOLERANCE_S, now: float | None = None) -> bool:
    """True when `signature` (one or more comma-separated `v1=<hex>`) signs this body and
    the timestamp is within `tolerance_s` of `now`."""
    try:
        stamp = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - stamp) > tolerance_s:
        return False
    raw = body.encode() if isinstance(body, str) else body
    expected = sign(secret, timestamp, raw)
    return any(hmac.compare_digest(expected, part.strip()) for part in signature.split(","))
