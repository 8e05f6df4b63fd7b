"""SQL for state transitions shared by the API and the workers: each one conditional."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, literal
from sqlalchemy.dialects.postgresql import JSONB

from app.models import Job, JobState
from app.models.job import FINAL_STATES

CANCELLABLE = tuple(s.value for s in JobState if s not in FINAL_STATES)


def history_entry(state: JobState, **extra: Any) -> list[dict[str, Any]]:
    """A one-element history list: the state and when it was entered."""
    return [{"state": state.value, "at": datetime.now(UTC).isoformat(), **extra}]


def history_append(state: JobState, **extra: Any) -> ColumnElement[Any]:
    """`history || [entry]`, so recording a transition is part of the same UPDATE."""
    return Job.history.op("||")(bindparam(None, history_entry(state, **extra), type_=JSONB))


def lost_attempt_entry(ended_at: datetime) -> ColumnElement[Any]:
    """A one-element JSONB list recording the current attempt as lost with its worker."""
    return func.jsonb_build_array(func.jsonb_build_object(
        "attempt", Job.attempts, "worker", Job.worker, "error",
        func.jsonb_build_object("code", literal("worker_lost")),
        "started_at", Job.started_at, "ended_at", ended_at)).cast(JSONB)


def cancel_key(job_id: object) -> str:
    """The Redis flag a worker polls to stop a running job quickly."""
    return f"job:{job_id}:cancel"
