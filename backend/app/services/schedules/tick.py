"""The tick: fire every due schedule once and record the run.

Exactly once per (schedule, fire time), however many ticks run at once (two beat
processes, a redelivered message, clocks that disagree): the run row is inserted with
ON CONFLICT DO NOTHING on the unique (schedule_id, fire_at), and the job is created in
the same transaction. A fire time therefore has one run and at most one job, or neither
when the transaction rolls back (and the next tick tries again). Locking the schedule
row with SKIP LOCKED only lets concurrent ticks share the work instead of queueing.

A schedule that missed several fire times (the platform was down) runs the latest one
only; `next_fire_at` then moves to the first fire time after now.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from datetime import UTC, datetime

import redis
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.cron import due_fire_time, next_fire_after
from app.core.db import sync_session
from app.models import Schedule, ScheduleRun
from app.services.schedules.fire import plan_run, publish_created

log = logging.getLogger(__name__)
TRANSIENT = (OperationalError, redis.RedisError)  # the next tick retries the same fire time


def due_ids(*, now: datetime, limit: int) -> list[uuid.UUID]:
    """Enabled schedules whose next fire time has come, the longest waiting first."""
    with sync_session() as session:
        return list(session.scalars(
            select(Schedule.id).where(Schedule.enabled, Schedule.next_fire_at <= now)
            .order_by(Schedule.next_fire_at).limit(limit)))


def tick(*, now: datetime, limit: int | None = None) -> Counter[str]:
    """Fire each schedule due at `now`; returns how many ended in each outcome."""
    outcomes: Counter[str] = Counter()
    for schedule_id in due_ids(now=now, limit=limit or settings.schedules.SCHEDULE_TICK_BATCH):
        try:
            outcomes[fire(schedule_id, now=now)] += 1
        except TRANSIENT:
            raise
        except Exception as exc:
            log.exception("schedule.fire_crashed", extra={"schedule_id": str(schedule_id)})
            outcomes[record_failure(schedule_id, now=now, detail=repr(exc))] += 1
    return outcomes


def _lock_due(session: Session, schedule_id: uuid.UUID, now: datetime) -> Schedule | None:
    """The schedule if it is still due and no other tick holds it."""
    return session.scalars(
        select(Schedule).where(Schedule.id == schedule_id, Schedule.enabled,
                               Schedule.next_fire_at <= now)
        .with_for_update(skip_locked=True)).first()


def _claim(session: Session, schedule_id: uuid.UUID, fire_at: datetime,
           **values: str | None) -> uuid.UUID | None:
    """Insert this fire time's run row; None when it was recorded already."""
    run_id: uuid.UUID | None = session.scalar(
        insert(ScheduleRun).values(id=uuid.uuid4(), schedule_id=schedule_id, fire_at=fire_at,
                                   created_at=datetime.now(UTC), **values)
        .on_conflict_do_nothing(constraint="uq_schedule_runs_schedule_fire_at")
        .returning(ScheduleRun.id))
    return run_id


def _advance(schedule: Schedule, now: datetime, fire_at: datetime | None) -> None:
    schedule.next_fire_at = next_fire_after(schedule.cron, schedule.timezone, now)
    if fire_at is not None and (schedule.last_fire_at is None or
                                fire_at > schedule.last_fire_at):
        schedule.last_fire_at = fire_at


def fire(schedule_id: uuid.UUID, *, now: datetime) -> str:
    """Run the schedule's due fire time: enqueued, skipped or failed; or busy, not_due and
    duplicate when this tick had nothing to do."""
    with sync_session() as session:
        schedule = _lock_due(session, schedule_id, now)
        if schedule is None:
            return "busy"
        fire_at = due_fire_time(schedule.cron, schedule.timezone, schedule.next_fire_at, now)
        # Claimed first, so a duplicate does no work; the status is settled below, in the
        # same transaction, so no one ever reads this provisional one.
        run_id = None if fire_at is None else _claim(session, schedule.id, fire_at,
                                                     status="skipped")
        if fire_at is None or run_id is None:
            _advance(schedule, now, fire_at)
            session.commit()
            outcome = "not_due" if fire_at is None else "duplicate"
            log.info(f"schedule.run.{outcome}", extra={"schedule_id": str(schedule_id)})
            return outcome
        planned = plan_run(session, schedule, fire_at)
        if planned.job is not None:  # listed in the schedule's project
            planned.job.project_id = schedule.project_id
        session.execute(update(ScheduleRun).where(ScheduleRun.id == run_id).values(
            status=planned.status, reason=planned.reason, detail=planned.detail,
            job_id=planned.job.id if planned.job else None))
        _advance(schedule, now, fire_at)
        session.commit()
    log.info(f"schedule.run.{planned.status}", extra={
        "schedule_id": str(schedule_id), "fire_at": fire_at.isoformat(),
        "reason": planned.reason})
    if planned.job is not None:
        publish_created(planned.job)
    return planned.status


def record_failure(schedule_id: uuid.UUID, *, now: datetime, detail: str) -> str:
    """Record the due fire time as `failed` and move on, so one bad run cannot block."""
    with sync_session() as session:
        schedule = _lock_due(session, schedule_id, now)
        if schedule is None:
            return "busy"
        fire_at = due_fire_time(schedule.cron, schedule.timezone, schedule.next_fire_at, now)
        if fire_at is not None:
            _claim(session, schedule.id, fire_at, status="failed", reason="internal_error",
                   detail=detail[:500])
        _advance(schedule, now, fire_at)
        session.commit()
    return "failed"
