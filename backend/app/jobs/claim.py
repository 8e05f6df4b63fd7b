"""Claiming a job: exactly one live attempt at a time, and takeover from a dead worker."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from app.core.db import sync_session
from app.jobs import liveness
from app.jobs.lifecycle import event, history_append, lost_attempt_entry, transition
from app.jobs.policy import RetryPolicy
from app.jobs.quotas import under_running_limit
from app.jobs.runtime import RUNNING, JobRun
from app.models import Job, JobState
from app.models.job import CLAIMABLE_STATES, FINAL_STATES
from app.realtime.events import JOB_QUEUED

HEARTBEAT_S = 3.0  # how often a running attempt writes heartbeat_at (JobRun.start_heartbeat)
LEASE_RECHECK_SLACK_S = 0.5  # look again this long after the owner's lease would lapse


class Busy(enum.Enum):
    """Why a message could not claim its job."""

    FINISHED = "finished"  # final or cancelled: drop the message
    USER_AT_LIMIT = "user_at_limit"  # the owner already runs as many jobs as the plan allows


@dataclass(frozen=True)
class Running:
    """Another attempt owns the job and is alive as far as anyone can tell: look again
    after `recheck_s`, when its lease (or failing that its heartbeat) would have lapsed."""

    recheck_s: float


@dataclass(frozen=True)
class _Seen:
    state: str
    worker: str | None
    attempts: int


def claim(job_id: uuid.UUID, worker: str, policy: RetryPolicy) -> JobRun | Busy | Running:
    """Move the job to `started`. A running job is taken over when its heartbeat is stale,
    or at once when its owner's liveness lease has lapsed (app/jobs/liveness.py)."""
    owner = liveness.hold(worker)
    found = _claim(job_id, owner, policy, lapsed=None)
    if isinstance(found, _Seen) and found.state in RUNNING:
        left = liveness.left_s(found.worker)
        if left == 0.0:
            # fenced: only the attempt seen dead is replaced; its finish() then matches nothing
            found = _claim(job_id, owner, policy, lapsed=found)
        if isinstance(found, _Seen) and found.state in RUNNING:
            wait = policy.stale_after_s + HEARTBEAT_S
            return Running(wait if left is None else min(wait, left + LEASE_RECHECK_SLACK_S))
    if isinstance(found, JobRun):
        return found
    if found is None or JobState(found.state) in FINAL_STATES:
        return Busy.FINISHED
    if JobState(found.state) in CLAIMABLE_STATES:
        return Busy.USER_AT_LIMIT
    return Running(policy.stale_after_s + HEARTBEAT_S)


def _claim(job_id: uuid.UUID, owner: str, policy: RetryPolicy,
           lapsed: _Seen | None) -> JobRun | _Seen | None:
    """One claim UPDATE; what the row looked like when it did not match (None: no row)."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=policy.stale_after_s)
    running = Job.state.in_(RUNNING)
    takeover = [and_(running, Job.heartbeat_at < stale)]
    if lapsed is not None:
        takeover.append(and_(running, Job.worker == lapsed.worker,
                             Job.attempts == lapsed.attempts))
    # A message can arrive before its publisher has marked the job `queued` (the mark
    # follows the publish): the claim then records `queued` itself, at the same instant as
    # `started`, and the worker announces it; the publisher's mark matches nothing.
    pending = Job.state == JobState.PENDING.value
    with sync_session() as session:
        row = session.execute(
            transition(
                JobState.STARTED,
                Job.id == job_id, or_(
                    and_(Job.state.in_([s.value for s in CLAIMABLE_STATES]),
                         under_running_limit()),
                    *takeover),
                from_=None, entry={"worker": owner},
                history=case((pending, history_append(JobState.QUEUED)), else_=Job.history),
                attempt_log=case((running, Job.attempt_log.op("||")(lost_attempt_entry(now))),
                                 else_=Job.attempt_log),
                retries=case((running, Job.retries + 1), else_=Job.retries),
                queued_at=case((pending, now), else_=Job.queued_at),
                started_at=now, heartbeat_at=now, worker=owner, attempts=Job.attempts + 1)
            .returning(Job.id, Job.user_id, Job.kind, Job.params, Job.attempts, Job.retries,
                       Job.task_name, Job.queue, Job.priority, Job.callback_url,
                       Job.queued_at, Job.started_at)
        ).first()
        seen = None
        if row is None:
            seen = session.execute(select(Job.state, Job.worker, Job.attempts)
                                   .where(Job.id == job_id)).first()
        session.commit()
    if row is None:
        return None if seen is None else _Seen(seen.state, seen.worker, seen.attempts)
    # queued_at was set by this statement only when the claim found the job `pending`
    skipped = row.queued_at == row.started_at
    return JobRun(job_id=job_id, user_id=row.user_id, params=row.params, attempt=row.attempts,
                  retries=row.retries, task_name=row.task_name, queue=row.queue,
                  priority=row.priority, callback_url=row.callback_url,
                  queued_event=event(JOB_QUEUED, row, JobState.QUEUED) if skipped else None)


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
