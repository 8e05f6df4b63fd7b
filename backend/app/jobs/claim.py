"""Claiming a job: exactly one live attempt at a time, and takeover from a dead worker."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from app.core.db import sync_session
from app.jobs.lifecycle import lost_attempt_entry, transition
from app.jobs.policy import RetryPolicy
from app.jobs.quotas import under_running_limit
from app.jobs.runtime import RUNNING, JobRun
from app.models import Job, JobState
from app.models.job import CLAIMABLE_STATES, FINAL_STATES


class Busy(enum.Enum):
    """Why a message could not claim its job."""

    FINISHED = "finished"  # final or cancelled: drop the message
    RUNNING = "running"  # another live attempt: check again once it could have gone stale
    USER_AT_LIMIT = "user_at_limit"  # the owner already runs as many jobs as the plan allows


def claim(job_id: uuid.UUID, worker: str, policy: RetryPolicy) -> JobRun | Busy:
    """Move the job to `started`; a running job whose heartbeat is stale is taken over."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=policy.stale_after_s)
    running = Job.state.in_(RUNNING)
    lost_entry = lost_attempt_entry(now)
    with sync_session() as session:
        row = session.execute(
            transition(
                JobState.STARTED,
                Job.id == job_id, or_(
                    and_(Job.state.in_([s.value for s in CLAIMABLE_STATES]),
                         under_running_limit()),
                    and_(running, Job.heartbeat_at < stale)),
                from_=None, entry={"worker": worker},
                attempt_log=case((running, Job.attempt_log.op("||")(lost_entry)),
                                 else_=Job.attempt_log),
                retries=case((running, Job.retries + 1), else_=Job.retries),
                started_at=now, heartbeat_at=now, worker=worker, attempts=Job.attempts + 1)
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
            transition(state, Job.id == run.job_id, Job.attempts == run.attempt, from_=RUNNING,
                       **values)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
    return bool(done)


def attempt_entry(run: JobRun, worker: str, error: dict[str, Any] | None) -> Any:
    """`attempt_log || [this attempt]`: number, worker, times and error."""
    entry = {"attempt": run.attempt, "worker": worker, "started_at": run.started_wall,
             "ended_at": datetime.now(UTC).isoformat(), "error": error}
    return Job.attempt_log.op("||")(literal([entry], type_=JSONB))
