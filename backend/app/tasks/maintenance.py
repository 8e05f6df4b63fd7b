"""Maintenance run by Celery Beat: re-publish jobs committed but never sent to the broker."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app.core.config import settings
from app.core.db import sync_session
from app.models import Job, JobState
from app.services.job_state import history_append
from app.tasks.app import celery_app
from app.tasks.names import TaskName
from app.tasks.publish import publish_job

log = logging.getLogger(__name__)
SWEEP_BATCH = 500


def sweep_unpublished(grace_s: float | None = None) -> int:
    """Publish pending jobs older than the grace period; returns how many were sent."""
    cutoff = datetime.now(UTC) - timedelta(
        seconds=settings.SWEEPER_GRACE_S if grace_s is None else grace_s)
    sent = 0
    with sync_session() as session:
        rows = session.execute(
            select(Job.id, Job.task_name, Job.queue, Job.priority)
            .where(Job.state == JobState.PENDING.value, Job.created_at < cutoff)
            .order_by(Job.created_at).limit(SWEEP_BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            publish_job(job_id=row.id, task_name=row.task_name, queue=row.queue,
                        priority=row.priority)
            session.execute(
                update(Job).where(Job.id == row.id, Job.state == JobState.PENDING.value)
                .values(state=JobState.QUEUED.value, queued_at=datetime.now(UTC),
                        history=history_append(JobState.QUEUED, by="sweeper"))
            )
            sent += 1
        session.commit()
    if sent:
        log.warning("maintenance.sweep.republished", extra={"count": sent})
    return sent


@celery_app.task(name=TaskName.MAINTENANCE_SWEEP.value)
def sweep_unpublished_task() -> int:
    """Beat entry point for `sweep_unpublished`."""
    return sweep_unpublished()


@celery_app.task(name=TaskName.SYSTEM_PING.value)
def ping() -> str:
    """A no-op used to check that a worker consumes its queue."""
    return "pong"
