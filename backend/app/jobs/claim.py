"""Claiming a job: exactly one live attempt at a time, and takeover from a dead worker."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import aliased

from app.core.config import settings
from app.core.db import sync_session
from app.jobs.policy import RetryPolicy
from app.jobs.runtime import RUNNING, JobRun
from app.jobs.state import history_append, lost_attempt_entry
from app.models import Job, JobState, User
from app.models.job import CLAIMABLE_STATES, FINAL_STATES


class Busy(enum.Enum):
    """Why a message could not claim its job."""

    FINISHED = "finished"  # final or cancelled: drop the message
    RUNNING = "running"  # another live attempt: check again once it could have gone stale
    USER_AT_LIMIT = "user_at_limit"  # the owner already runs as many jobs as the plan allows


def _under_running_limit() -> ColumnElement[bool]:
    """The job's owner runs fewer jobs than the plan allows (admins: no limit)."""
    owner = aliased(User)
    others = aliased(Job)
    limit = case(*((owner.plan == name, plan.max_running)
                   for name, plan in settings.admission.PLANS.items()),
                 else_=settings.admission.PLANS["free"].max_running)
    running_now = (select(func.count()).select_from(others)
                   .where(others.user_id == owner.id, others.state.in_(RUNNING))
                   .scalar_subquery())
    owner_row = select(owner.role, limit).where(owner.id == Job.user_id)
    return exists(owner_row.where(or_(owner.role == "admin", running_now < limit)))


def claim(job_id: uuid.UUID, worker: str, policy: RetryPolicy) -> JobRun | Busy:
    """Move the job to `started`; a running job whose heartbeat is stale is taken over."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=policy.stale_after_s)
    running = Job.state.in_(RUNNING)
    lost_entry = lost_attempt_entry(now)
    with sync_session() as session:
        row = session.execute(
            update(Job)
            .where(Job.id == job_id, or_(
                and_(Job.state.in_([s.value for s in CLAIMABLE_STATES]),
                     _under_running_limit()),
                and_(running, Job.heartbeat_at < stale)))
            .values(
                attempt_log=case((running, Job.attempt_log.op("||")(lost_entry)),
                                 else_=Job.attempt_log),
                retries=case((running, Job.retries + 1), else_=Job.retries),
                state=JobState.STARTED.value, started_at=now, heartbeat_at=now, worker=worker,
                attempts=Job.attempts + 1,
                history=history_append(JobState.STARTED, worker=worker))
            .returning(Job.user_id, Job.params, Job.attempts, Job.retries, Job.task_name,
                       Job.queue, Job.priority, Job.callback_url)
        ).first()
        if row is None:
            state = session.scalar(select(Job.state).where(Job.id == job_id))
        session.commit()
    if row is None:
        if state is None or JobState(state) in FINAL_STATES:
            return Busy.FINISHED
        if JobState(state) in CLAIMABLE_STATES:
            return Busy.USER_AT_LIMIT
        return Busy.RUNNING
    return JobRun(job_id=job_id, user_id=row.user_id, params=row.params, attempt=row.attempts,
                  retries=row.retries, task_name=row.task_name, queue=row.queue,
                  priority=row.priority, callback_url=row.callback_url)


def finish(run: JobRun, state: JobState, **values: Any) -> bool:
    """Record an outcome, only while this attempt still owns the job."""
    with sync_session() as session:
        done = session.execute(
            update(Job).where(Job.id == run.job_id, Job.state.in_(RUNNING),
                              Job.attempts == run.attempt)
            .values(state=state.value, history=history_append(state), **values)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
    return bool(done)


def attempt_entry(run: JobRun, worker: str, error: dict[str, Any] | None) -> Any:
    """`attempt_log || [this attempt]`: number, worker, times and error."""
    entry = {"attempt": run.attempt, "worker": worker, "started_at": run.started_wall,
             "ended_at": datetime.now(UTC).isoformat(), "error": error}
    return Job.attempt_log.op("||")(literal([entry], type_=JSONB))
