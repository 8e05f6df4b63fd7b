"""Per-user quotas by plan and a global queue-depth guard; over a limit is 429."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import redis.asyncio as aioredis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError
from app.models import Job, JobState, User
from app.tasks.broker import queue_depths

WINDOW = timedelta(hours=1)
WAITING = (JobState.PENDING.value, JobState.HELD.value, JobState.QUEUED.value,
           JobState.RETRYING.value)


def _too_many(message: str, retry_after_s: float) -> AppError:
    seconds = max(1, math.ceil(retry_after_s))
    return AppError("rate_limited", message, 429, headers={"Retry-After": str(seconds)})


async def check_submit(*, session: AsyncSession, redis: aioredis.Redis, user: User, kind: str,
                       queue: str) -> None:
    """Raise 429 (with Retry-After) when this submit would exceed a limit."""
    depth = (await queue_depths(redis, [queue]))[queue]
    if depth >= settings.GLOBAL_MAX_QUEUE_DEPTH:
        raise _too_many(f"the {queue} queue is full ({depth} waiting); try again shortly", 30)
    if user.role == "admin":
        return
    limits = settings.PLANS.get(user.plan) or settings.PLANS["free"]
    # One user's submits are serialised for the length of this transaction, so two
    # concurrent requests cannot both take the last slot.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                          {"k": f"quota:{user.id}"})
    since = datetime.now(UTC) - WINDOW
    count, oldest = (await session.execute(
        select(func.count(), func.min(Job.created_at))
        .where(Job.user_id == user.id, Job.kind == kind, Job.created_at > since))).one()
    allowed = limits.submits_for(kind)
    if count >= allowed:
        wait = (oldest + WINDOW - datetime.now(UTC)).total_seconds() if oldest else 60
        raise _too_many(f"plan {user.plan!r} allows {allowed} {kind} submits per hour", wait)
    waiting = await session.scalar(
        select(func.count()).where(Job.user_id == user.id, Job.state.in_(WAITING)))
    if (waiting or 0) >= limits.max_waiting:
        raise _too_many(f"plan {user.plan!r} allows {limits.max_waiting} jobs waiting at once",
                        30)
