"""Recovery of stuck and dead jobs: dead letters, requeue, stale-heartbeat cleanup, sweeps.

Synchronous (psycopg) so Celery Beat and the admin API run the same code.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import ColumnElement, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB

from app.core.config import settings
from app.core.db import sync_session
from app.jobs.lifecycle import lost_attempt_entry, transition
from app.jobs.policy import policy_for
from app.jobs.publish import publish_job
from app.jobs.runtime import RUNNING
from app.models import Job, JobState

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Requeued:
    job_id: uuid.UUID
    task_name: str
    queue: str
    priority: int


def _publish_all(jobs: list[Requeued]) -> None:
    for job in jobs:
        publish_job(job_id=job.job_id, task_name=job.task_name, queue=job.queue,
                    priority=job.priority)


def dead_letters(*, task_name: str | None, limit: int, offset: int, queue: str | None = None,
                 error_code: str | None = None, error_text: str | None = None,
                 max_age_hours: float | None = None) -> list[Job]:
    """Dead jobs, newest first, with their last error and arguments; filters combine."""
    query = select(Job).where(Job.state == JobState.DEAD.value)
    if task_name:
        query = query.where(Job.task_name == task_name)
    if queue:
        query = query.where(Job.queue == queue)
    if error_code:
        query = query.where(Job.error["code"].astext == error_code)
    if error_text:
        query = query.where(Job.error["message"].astext.icontains(error_text, autoescape=True))
    if max_age_hours is not None:
        query = query.where(Job.finished_at >= datetime.now(UTC) - timedelta(hours=max_age_hours))
    with sync_session() as session:
        return list(session.scalars(
            query.order_by(Job.finished_at.desc()).limit(limit).offset(offset)))


def discard_dead(*, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    """Take dead jobs out of the dead letters for good: they end `failed` (their error and
    attempt log kept), which no requeue picks up. Ids not dead are left alone."""
    if not ids:
        return []
    with sync_session() as session:
        rows = session.execute(
            transition(JobState.FAILED, Job.id.in_(ids), from_=JobState.DEAD,
                       entry={"by": "admin_discard"})
            .returning(Job.id)).scalars().all()
        session.commit()
    if rows:
        log.info("maintenance.dead_letters.discarded", extra={"count": len(rows)})
    return list(rows)


def requeue_dead(*, ids: list[uuid.UUID] | None, task_name: str | None,
                 max_age_hours: float | None) -> list[uuid.UUID]:
    """Re-run dead jobs with the same arguments, as new attempts of the same jobs."""
    conditions: list[ColumnElement[bool]] = []
    if ids:
        conditions.append(Job.id.in_(ids))
    if task_name:
        conditions.append(Job.task_name == task_name)
    if max_age_hours is not None:
        since = datetime.now(UTC) - timedelta(hours=max_age_hours)
        conditions.append(Job.finished_at >= since)
    with sync_session() as session:
        rows = session.execute(
            transition(JobState.QUEUED, *conditions, from_=JobState.DEAD,
                       entry={"by": "admin_requeue"}, retries=0, finished_at=None,
                       queued_at=datetime.now(UTC))
            .returning(Job.id, Job.task_name, Job.queue, Job.priority)
        ).all()
        session.commit()
    jobs = [Requeued(r.id, r.task_name, r.queue, r.priority) for r in rows]
    _publish_all(jobs)
    return [j.job_id for j in jobs]


def reap_stale(*, action: Literal["requeue", "fail"], stale_after_s: float | None = None
               ) -> dict[str, list[uuid.UUID]]:
    """Jobs `started` whose worker stopped heart-beating: requeue (or dead when out of
    retries) or fail them."""
    stale_s = stale_after_s if stale_after_s is not None else policy_for("").stale_after_s
    now = datetime.now(UTC)
    cutoff = now - timedelta(seconds=stale_s)
    lost = lost_attempt_entry(now)
    error = literal({"code": "worker_lost", "message": "the worker stopped heart-beating"},
                    type_=JSONB)
    outcome: dict[str, list[uuid.UUID]] = {"requeued": [], "dead": [], "failed": []}
    with sync_session() as session:
        stale = session.execute(
            select(Job.id, Job.task_name, Job.retries).where(
                Job.state.in_(RUNNING), Job.heartbeat_at < cutoff)
            .limit(BATCH).with_for_update(skip_locked=True)).all()
        to_requeue: list[Requeued] = []
        for row in stale:
            exhausted = row.retries >= policy_for(row.task_name).max_retries
            if action == "fail":
                target = JobState.FAILED
            else:
                target = JobState.DEAD if exhausted else JobState.QUEUED
            updated = session.execute(
                transition(target, Job.id == row.id, Job.heartbeat_at < cutoff,
                           from_=RUNNING, entry={"by": "cleanup"}, error=error,
                           attempt_log=Job.attempt_log.op("||")(lost),
                           retries=case((literal(target == JobState.QUEUED),
                                         Job.retries + 1), else_=Job.retries),
                           finished_at=None if target == JobState.QUEUED else now)
                .returning(Job.id, Job.task_name, Job.queue, Job.priority)).first()
            if updated is None:
                continue
            key = {JobState.QUEUED: "requeued", JobState.DEAD: "dead"}.get(target, "failed")
            outcome[key].append(updated.id)
            if target == JobState.QUEUED:
                to_requeue.append(Requeued(*updated))
        session.commit()
    _publish_all(to_requeue)
    if stale:
        log.warning("maintenance.cleanup.reaped", extra={k: len(v) for k, v in outcome.items()})
    return outcome


def sweep_unpublished(grace_s: float | None = None) -> int:
    """Publish jobs committed but never sent (pending), retries whose message was lost and
    jobs queued for so long that their message may sit with a killed worker."""
    grace = settings.broker.SWEEPER_GRACE_S if grace_s is None else grace_s
    now = datetime.now(UTC)
    cutoff = now - timedelta(seconds=grace)
    with sync_session() as session:
        pending = session.execute(
            select(Job.id, Job.task_name, Job.queue, Job.priority)
            .where(Job.state == JobState.PENDING.value, Job.created_at < cutoff)
            .order_by(Job.created_at).limit(BATCH).with_for_update(skip_locked=True)).all()
        overdue = session.execute(
            select(Job.id, Job.task_name, Job.queue, Job.priority)
            .where(Job.state == JobState.RETRYING.value, Job.retry_at < cutoff)
            .limit(BATCH).with_for_update(skip_locked=True)).all()
        stuck = session.execute(
            select(Job.id, Job.task_name, Job.queue, Job.priority)
            .where(Job.state == JobState.QUEUED.value,
                   func.coalesce(Job.republished_at, Job.queued_at)
                   < now - timedelta(seconds=settings.broker.QUEUED_REPUBLISH_S))
            .limit(BATCH).with_for_update(skip_locked=True)).all()
        jobs = [Requeued(*r) for r in [*pending, *overdue, *stuck]]
        _publish_all(jobs)
        if pending:
            session.execute(
                transition(JobState.QUEUED, Job.id.in_([r.id for r in pending]),
                           from_=JobState.PENDING, entry={"by": "sweeper"}, queued_at=now))
        if overdue:
            session.execute(update(Job).where(Job.id.in_([r.id for r in overdue]))
                            .values(retry_at=now))
        if stuck:  # re-armed: the next resend is another full period away
            session.execute(update(Job).where(Job.id.in_([r.id for r in stuck]),
                                              Job.state == JobState.QUEUED.value)
                            .values(republished_at=now))
        session.commit()
    if jobs:
        log.warning("maintenance.sweep.republished", extra={"count": len(jobs)})
    return len(jobs)
