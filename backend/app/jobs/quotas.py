"""Every quota in one place: the plan's submits per hour and jobs waiting, the global
queue-depth guard, and the plan's running limit enforced at claim.

A submit is a new job or a retry of an old one (a `resubmits` row): `window_submits`
reads both, so cancel-then-retry cannot render beyond the plan. `decide` is the rule;
`check_submit` (API, async: a 429 with Retry-After; also a retry's check), `refusal`
(scheduled runs, sync: a reason to skip the run) and the batch admitter apply it under
the same per-user advisory lock, so the API, batches, schedules and retries cannot
together take more than the plan allows. `under_running_limit` is the claim's
condition, and `capped_priority` the plan's highest priority, applied by every path."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import redis
import redis.asyncio as aioredis
from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    case,
    exists,
    func,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, aliased

from app.core.config import PlanLimits, settings
from app.core.errors import AppError
from app.jobs.broker import priority_lists, queue_depths
from app.jobs.names import SEGMENT_KIND
from app.jobs.runtime import RUNNING
from app.models import Job, JobState, Resubmit, User

WINDOW = timedelta(hours=1)
WAITING = (JobState.PENDING.value, JobState.HELD.value, JobState.QUEUED.value,
           JobState.RETRYING.value)
LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))")


@dataclass(frozen=True)
class Refusal:
    reason: str  # "queue_full" or "over_quota"
    detail: str
    retry_after_s: float = 30

    def error(self) -> AppError:
        """The API's answer: 429 with Retry-After."""
        seconds = max(1, math.ceil(self.retry_after_s))
        detail = self.detail + ("; try again shortly" if self.reason == "queue_full" else "")
        return AppError("rate_limited", detail, 429, headers={"Retry-After": str(seconds)})


def plan_limits(plan: str) -> PlanLimits:
    return settings.admission.PLANS.get(plan) or settings.admission.PLANS["free"]


def capped_priority(*, plan: str, role: str, priority: int) -> int:
    """The priority a submit gets: what it asked for, lowered to its plan's highest.
    Admins are not capped (the operator's urgent work)."""
    return priority if role == "admin" else min(priority, plan_limits(plan).max_priority)


def quota_lock_key(user_id: object) -> str:
    """The advisory-lock key that serialises one user's submits (quota checks)."""
    return f"quota:{user_id}"


def queue_refusal(queue: str, depth: int) -> Refusal | None:
    """The global guard: refused above GLOBAL_MAX_QUEUE_DEPTH waiting messages."""
    if depth >= settings.admission.GLOBAL_MAX_QUEUE_DEPTH:
        return Refusal("queue_full", f"the {queue} queue is full ({depth} waiting)")
    return None


def decide(*, plan: str, kind: str, recent: int, oldest: datetime | None,
           waiting: int) -> Refusal | None:
    """The refusal for a submit when the user has `recent` submits of `kind` in the window
    (the oldest at `oldest`) and `waiting` jobs not yet running; None when it fits."""
    limits = plan_limits(plan)
    allowed = limits.submits_for(kind)
    if recent >= allowed:
        wait = (oldest + WINDOW - datetime.now(UTC)).total_seconds() if oldest else 60
        return Refusal("over_quota", f"plan {plan!r} allows {allowed} {kind} submits per hour",
                       wait)
    if waiting >= limits.max_waiting:
        return Refusal("over_quota", f"plan {plan!r} allows {limits.max_waiting} jobs "
                                     "waiting at once")
    return None


def queue_full(queue: str, depth: int) -> AppError | None:
    refused = queue_refusal(queue, depth)
    return refused.error() if refused else None


def over_quota(*, plan: str, kind: str, recent: int, oldest: datetime | None,
               waiting: int) -> AppError | None:
    refused = decide(plan=plan, kind=kind, recent=recent, oldest=oldest, waiting=waiting)
    return refused.error() if refused else None


def window_submits(*user_ids: object) -> Subquery:
    """The users' submits inside the quota window, one row (user_id, kind, at) each: every
    job created in it, and every retry made in it."""
    since = datetime.now(UTC) - WINDOW
    jobs = select(Job.user_id, Job.kind, Job.created_at.label("at")).where(
        Job.user_id.in_(user_ids), Job.created_at > since)
    retries = select(Resubmit.user_id, Resubmit.kind, Resubmit.created_at.label("at")).where(
        Resubmit.user_id.in_(user_ids), Resubmit.created_at > since)
    return union_all(jobs, retries).subquery("submits")


def _recent(user: User, kind: str) -> Select[int, datetime]:
    submits = window_submits(user.id)
    return (select(func.count(), func.min(submits.c.at))
            .where(submits.c.kind == kind))


def _waiting(user: User) -> Select[int]:
    return select(func.count()).where(Job.user_id == user.id, Job.state.in_(WAITING),
                                      Job.kind != SEGMENT_KIND)


def _running(user: User) -> Select[int]:
    return select(func.count()).where(Job.user_id == user.id, Job.state.in_(RUNNING),
                                      Job.kind != SEGMENT_KIND)


@dataclass(frozen=True)
class SubmitUsage:
    """What the submit and claim checks count for one user right now."""

    recent: dict[str, tuple[int, datetime]]  # kind → (submits in the window, the oldest)
    waiting: int
    running: int


async def submit_usage(*, session: AsyncSession, user: User) -> SubmitUsage:
    """The counts `check_submit` and `under_running_limit` compare with the plan, read
    with the same queries (no lock: a reading, not a check)."""
    submits = window_submits(user.id)
    rows = await session.execute(select(submits.c.kind, func.count(), func.min(submits.c.at))
                                 .group_by(submits.c.kind))
    waiting = await session.scalar(_waiting(user))
    running = await session.scalar(_running(user))
    return SubmitUsage(recent={str(kind): (int(count), oldest)
                               for kind, count, oldest in rows.tuples()},
                       waiting=waiting or 0, running=running or 0)


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
    await session.execute(LOCK, {"k": quota_lock_key(user.id)})
    recent, oldest = (await session.execute(_recent(user, kind))).one()
    waiting = await session.scalar(_waiting(user))
    error = over_quota(plan=user.plan, kind=kind, recent=recent, oldest=oldest,
                       waiting=waiting or 0)
    if error is not None:
        raise error


def refusal(*, session: Session, client: redis.Redis, user: User, kind: str,
            queue: str) -> Refusal | None:
    """`check_submit` for a scheduled run: why it would exceed a limit, or None; holds
    the user's quota lock until the caller's transaction ends."""
    pipe = client.pipeline(transaction=False)
    for name in priority_lists(queue):
        pipe.llen(name)
    full = queue_refusal(queue, int(sum(pipe.execute())))
    if full is not None or user.role == "admin":
        return full
    session.execute(LOCK, {"k": quota_lock_key(user.id)})
    recent, oldest = session.execute(_recent(user, kind)).one()
    waiting = session.scalar(_waiting(user)) or 0
    return decide(plan=user.plan, kind=kind, recent=recent, oldest=oldest, waiting=waiting)


def under_running_limit() -> ColumnElement[bool]:
    """The job's owner runs fewer jobs than the plan allows (admins: no limit)."""
    owner = aliased(User)
    others = aliased(Job)
    limit = case(*((owner.plan == name, plan.max_running)
                   for name, plan in settings.admission.PLANS.items()),
                 else_=settings.admission.PLANS["free"].max_running)
    running_now = (select(func.count()).select_from(others)
                   .where(others.user_id == owner.id, others.state.in_(RUNNING),
                          others.kind != SEGMENT_KIND)
                   .scalar_subquery())
    owner_row = select(owner.role, limit).where(owner.id == Job.user_id)
    # a segment is a part of a render that already counts: it never waits on the limit
    return or_(Job.kind == SEGMENT_KIND,
               exists(owner_row.where(or_(owner.role == "admin", running_now < limit))))
