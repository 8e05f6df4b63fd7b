"""Alerts to admins: an event on each admin's stream and a signed webhook POST.

The webhook carries `X-Reelforge-Timestamp` (Unix seconds) and `X-Reelforge-Signature:
sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with ALERT_WEBHOOK_SECRET>`; a receiver
recomputes it and rejects old timestamps, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import redis
from sqlalchemy import select

from app.core.db import sync_session
from app.models import User
from app.realtime import bus

USER_AGENT = "Reelforge-Alerts/1"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for `body` sent at `timestamp`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def admin_ids() -> list[uuid.UUID]:
    with sync_session() as session:
        return list(session.scalars(select(User.id).where(User.role == "admin",
                                                          User.is_active.is_(True))))


def notify_admins(client: redis.Redis, event: dict[str, Any]) -> int:
    """Append `event` to every active admin's stream; returns how many admins got it."""
    admins = admin_ids()
    for admin_id in admins:
        bus.publish_sync(client, admin_id, event)
    return len(admins)


def post_signed(url: str, secret: str, payload: dict[str, Any], *, timeout_s: float) -> int:
    """POST `payload` as JSON with a timestamped signature; returns the status code."""
    body = json.dumps(payload, separators=(",", ":"), default=str).encode()
    timestamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Reelforge-Event": str(payload.get("type", "")),
               "X-Reelforge-Timestamp": timestamp,
               "X-Reelforge-Signature": sign(secret, timestamp, body)}
    response = httpx.post(url, content=body, headers=headers, timeout=timeout_s)
    response.raise_for_status()
    return response.status_code
