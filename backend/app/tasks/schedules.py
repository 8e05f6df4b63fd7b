"""The schedule tick: a thin wrapper that fires every due user schedule once."""

from __future__ import annotations

from datetime import UTC, datetime

from app.jobs.names import TaskName
from app.services.schedules import tick as schedule_runs
from app.tasks.app import celery_app


@celery_app.task(name=TaskName.SCHEDULES_TICK.value)
def tick_task(now: str | None = None) -> dict[str, int]:
    """Fire the schedules due now, or at `now` (ISO 8601 with an offset) when given."""
    at = datetime.fromisoformat(now) if now else datetime.now(UTC)
    if at.tzinfo is None:
        raise ValueError("now needs a UTC offset")
    return dict(schedule_runs.tick(now=at))
