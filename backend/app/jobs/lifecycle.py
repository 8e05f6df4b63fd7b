"""The job lifecycle: every change of a job's state is one conditional UPDATE built by
`transition`, which also appends the history entry, and `event` is the one shape of its
announcement. How a committed job reaches the broker is `app.jobs.committed`."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Update, bindparam, func, literal, update
from sqlalchemy.dialects.postgresql import JSONB

from app.models import Job, JobState
from app.models.job import FINAL_STATES
from app.realtime.events import JOB_CANCELLED, JOB_HELD, JOB_QUEUED, job_event

CANCELLABLE = tuple(s.value for s in JobState if s not in FINAL_STATES)
# The columns a moved row hands back, enough to announce it and to refresh a loaded Job.
MOVED = (Job.id, Job.user_id, Job.kind, Job.queue, Job.priority, Job.state, Job.queued_at,
         Job.history)
EVENT_OF = {JobState.QUEUED: JOB_QUEUED, JobState.HELD: JOB_HELD,
            JobState.CANCELLED: JOB_CANCELLED}
Announcement = tuple[uuid.UUID | str, dict[str, Any]]


def history_entry(state: JobState, **extra: Any) -> list[dict[str, Any]]:
    """A one-element history list: the state and when it was entered."""
    return [{"state": state.value, "at": datetime.now(UTC).isoformat(), **extra}]


def history_append(state: JobState, history: ColumnElement[Any] | None = None,
                   **extra: Any) -> ColumnElement[Any]:
    """`history || [entry]`, so recording a transition is part of the same UPDATE."""
    base = Job.history if history is None else history
    return base.op("||")(bindparam(None, history_entry(state, **extra), type_=JSONB))


def transition(to: JobState, *where: Any, from_: JobState | Iterable[JobState | str] | None,
               entry: Mapping[str, Any] | None = None,
               history: ColumnElement[Any] | None = None, **values: Any) -> Update:
    """`UPDATE jobs SET state = to, history = history || [entry], … WHERE state IN from_
    AND where`: the only way a job changes state. `from_=None` leaves the states to
    `where` (a claim's takeover condition spans two groups); `history` is what the entry
    is appended to, when not the row's history as it stands."""
    conditions = list(where)
    if from_ is not None:
        states = [from_] if isinstance(from_, JobState) else list(from_)
        conditions.append(Job.state.in_([JobState(s).value for s in states]))
    return (update(Job).where(*conditions)
            .values(state=to.value, history=history_append(to, history, **(entry or {})),
                    **values))


def event(kind: str, job: Any, state: JobState) -> dict[str, Any]:
    """The event announcing that `job` (a Job or a MOVED row) entered `state`."""
    return job_event(kind, job.id, state=state.value, kind=job.kind, queue=job.queue,
                     priority=job.priority)


def lost_attempt_entry(ended_at: datetime) -> ColumnElement[Any]:
    """A one-element JSONB list recording the current attempt as lost with its worker."""
    return func.jsonb_build_array(func.jsonb_build_object(
        "attempt", Job.attempts, "worker", Job.worker, "error",
        func.jsonb_build_object("code", literal("worker_lost")),
        "started_at", Job.started_at, "ended_at", ended_at)).cast(JSONB)


def cancel_key(job_id: object) -> str:
    """The Redis flag a worker polls to stop a running job quickly."""
    return f"job:{job_id}:cancel"
