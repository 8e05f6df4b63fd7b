"""Failure rate per queue over a recent window; above the threshold, alert the admins."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import redis
from sqlalchemy import func, select

from app.core.config import settings
from app.core.db import sync_session
from app.models import Job
from app.services.maintenance.alerts import notify_admins, post_signed

log = logging.getLogger(__name__)
ALERT_FAILURE_RATE = "alert.failure_rate"
FAILED = ("failed", "dead")
COUNTED = ("succeeded", *FAILED)  # a cancel is the user's choice, not a failure
TOP_ERRORS = 3


@dataclass
class QueueFailures:
    queue: str
    finished: int
    failed: int
    top_errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.failed / self.finished if self.finished else 0.0


def failure_rates(*, start: datetime, end: datetime) -> list[QueueFailures]:
    """Jobs that finished in [start, end) per queue, with the commonest error codes."""
    window = (Job.finished_at >= start, Job.finished_at < end)
    code = Job.error["code"].astext
    with sync_session() as session:
        totals = session.execute(
            select(Job.queue, func.count(), func.count().filter(Job.state.in_(FAILED)))
            .where(*window, Job.state.in_(COUNTED)).group_by(Job.queue).order_by(Job.queue)
        ).all()
        errors = session.execute(
            select(Job.queue, code, func.count()).where(*window, Job.state.in_(FAILED))
            .group_by(Job.queue, code).order_by(func.count().desc())
        ).all()
    rates = {q: QueueFailures(queue=q, finished=n, failed=f) for q, n, f in totals}
    for queue, error_code, count in errors:
        top = rates[str(queue)].top_errors
        if len(top) < TOP_ERRORS:
            top.append({"code": error_code or "unknown", "count": count})
    return list(rates.values())


def _event(rate: QueueFailures, *, window_s: float, threshold: float) -> dict[str, Any]:
    return {"type": ALERT_FAILURE_RATE, "at": round(time.time(), 3), "queue": rate.queue,
            "failure_rate": round(rate.rate, 4), "failed": rate.failed,
            "finished": rate.finished, "window_s": window_s, "threshold": threshold,
            "top_errors": rate.top_errors}


def _webhook(url: str | None, secret: str | None, alerts: list[dict[str, Any]]) -> str:
    if not url or not secret:
        return "off"
    payload = {"type": ALERT_FAILURE_RATE, "at": round(time.time(), 3), "alerts": alerts}
    try:
        post_signed(url, secret, payload, timeout_s=settings.maintenance.ALERT_WEBHOOK_TIMEOUT_S)
    except httpx.HTTPError as exc:
        # The admins' streams already have the alert; a dead receiver must not fail the run.
        log.warning("maintenance.alert.webhook_failed", extra={"error": str(exc)})
        return "failed"
    return "sent"


def check_failed_tasks(*, client: redis.Redis, now: datetime | None = None,
                       window_s: float | None = None, threshold: float | None = None,
                       min_jobs: int | None = None, webhook_url: str | None = None,
                       webhook_secret: str | None = None) -> dict[str, Any]:
    """Every 5 min: alert once per cooldown for each queue failing above the threshold."""
    end = now or datetime.now(UTC)
    window = settings.maintenance.FAILURE_RATE_WINDOW_S if window_s is None else window_s
    limit = settings.maintenance.FAILURE_RATE_THRESHOLD if threshold is None else threshold
    floor = settings.maintenance.FAILURE_RATE_MIN_JOBS if min_jobs is None else min_jobs
    rates = failure_rates(start=end - timedelta(seconds=window), end=end)
    high = [r for r in rates if r.finished >= floor and r.rate > limit]
    fresh = [r for r in high if client.set(f"alert:failure_rate:{r.queue}", end.isoformat(),
                                           nx=True, ex=settings.maintenance.ALERT_COOLDOWN_S)]
    alerts = [_event(r, window_s=window, threshold=limit) for r in fresh]
    admins = sum(notify_admins(client, alert) for alert in alerts)
    config = settings.maintenance
    webhook = _webhook(webhook_url or config.ALERT_WEBHOOK_URL,
                       webhook_secret or config.ALERT_WEBHOOK_SECRET, alerts) if alerts else "-"
    if alerts:
        log.warning("maintenance.alert.failure_rate", extra={"queues": [r.queue for r in fresh]})
    return {"queues": {r.queue: round(r.rate, 4) for r in rates},
            "alerting": [r.queue for r in high], "alerted": [r.queue for r in fresh],
            "notifications": admins, "webhook": webhook}
