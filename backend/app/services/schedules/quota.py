"""The submit quotas of app.services.quotas, checked synchronously for a scheduled run.

Same rules, limits and advisory lock as `check_submit`, so a schedule and the API cannot
together take more than the plan allows; a refusal becomes a `skipped` run, not a 429.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.core.config import settings
from app.jobs.broker import priority_lists
from app.models import Job, User
from app.services.quotas import WAITING, WINDOW


@dataclass(frozen=True)
class Refusal:
    reason: str  # "queue_full" or "over_quota"
    detail: str


def _depth(client: redis.Redis, queue: str) -> int:
    pipe = client.pipeline(transaction=False)
    for name in priority_lists(queue):
        pipe.llen(name)
    return int(sum(pipe.execute()))


def refusal(*, session: Session, client: redis.Redis, user: User, kind: str,
            queue: str) -> Refusal | None:
    """Why this submit would exceed a limit, or None; holds the user's quota lock."""
    depth = _depth(client, queue)
    if depth >= settings.admission.GLOBAL_MAX_QUEUE_DEPTH:
        return Refusal("queue_full", f"the {queue} queue is full ({depth} waiting)")
    if user.role == "admin":
        return None
    limits = settings.admission.PLANS.get(user.plan) or settings.admission.PLANS["free"]
    session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                    {"k": f"quota:{user.id}"})
    since = datetime.now(UTC) - WINDOW
    count = session.scalar(select(func.count()).where(
        Job.user_id == user.id, Job.kind == kind, Job.created_at > since)) or 0
    allowed = limits.submits_for(kind)
    if count >= allowed:
        return Refusal("over_quota", f"plan {user.plan!r} allows {allowed} {kind} submits "
                                     "per hour")
    waiting = session.scalar(select(func.count()).where(
        Job.user_id == user.id, Job.state.in_(WAITING))) or 0
    if waiting >= limits.max_waiting:
        return Refusal("over_quota", f"plan {user.plan!r} allows {limits.max_waiting} jobs "
                                     "waiting at once")
    return None
