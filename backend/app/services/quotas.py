"""Per-user quotas by plan and a global queue-depth guard; over a limit is 429."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError
from app.jobs.broker import queue_depths
from app.models import Job, JobState, User

WINDOW = timedelta(hours=1)
WAITING = (JobState.PENDING.value, JobState.HELD.value, JobState.QUEUED.value,
           JobState.RETRYING.value)


def _too_many(message: str, retry_after_s: float) -> AppError:
    seconds = max(1, math.ceil(retry_after_s))
    return AppError("rate_limited", message, 429, headers={"Retry-After": str(seconds)})


def queue_full(queue: str, depth: int) -> AppError | None:
    """The global queue-depth guard: 429 above GLOBAL_MAX_QUEUE_DEPTH waiting messages."""
    if depth >= settings.admission.GLOBAL_MAX_QUEUE_DEPTH:
        return _too_many(f"the {queue} queue is full ({depth} waiting); try again shortly", 30)
    return None


def quota_lock_key(user_id: object) -> str:
    """The advisory-lock key that serialises one user's submits (quota checks)."""
    return f"quota:{user_id}"


def over_quota(*, plan: str, kind: str, recent: int, oldest: datetime | None,
               waiting: int) -> AppError | None:
    """The 429 for a submit when the user has `recent` submits of `kind` in the window
    (the oldest at `oldest`) and `waiting` jobs not yet running; None when it fits."""
    limits = settings.admission.PLANS.get(plan) or settings.admission.PLANS["free"]
    allowed = limits.submits_for(kind)
    if recent >= allowed:
        wait = (oldest + WINDOW - datetime.now(UTC)).total_seconds() if oldest else 60
        return _too_many(f"plan {plan!r} allows {allowed} {kind} submits per hour", wait)
    if waiting >= limits.max_waiting:
        return _too_many(f"plan {plan!r} allows {limits.max_waiting} jobs waiting at once", 30)
    return None


async def check_submit(*, session: AsyncSession, redis: aioredis.Redis, user: User, kind: str,
                       queue: str) -> None:
    """Raise 429 (with Retry-After) when this submit would exceed a limit."""
    full = queue_full(queue, (await queue_depths(redis, [queue]))[queue])
    if full is not None:
        raise full
    if user.role == "admin":
        return
    # One user's submits are serialised for the length of this transaction, so two
    # concurrent requests cannot both take the last slot.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                          {"k": quota_lock_key(user.id)})
    since = datetime.now(UTC) - WINDOW
    recent, oldest = (await session.execute(
        select(func.count(), func.min(Job.created_at))
        .where(Job.user_id == user.id, Job.kind == kind, Job.created_at > since))).one()
    waiting = await session.scalar(
        select(func.count()).where(Job.user_id == user.id, Job.state.in_(WAITING)))
    error = over_quota(plan=user.plan, kind=kind, recent=recent, oldest=oldest,
                       waiting=waiting or 0)
    if error is not None:
        raise error
