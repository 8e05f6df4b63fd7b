"""Maintenance run by Celery Beat: lost publishes and workers that stopped heart-beating."""

from __future__ import annotations

from app.services import fair_share, recovery
from app.tasks.app import celery_app
from app.tasks.names import TaskName


@celery_app.task(name=TaskName.MAINTENANCE_SWEEP.value)
def sweep_unpublished_task() -> int:
    """Re-publish jobs committed but never sent, and overdue retries; release held jobs
    whose owner has no message queued."""
    return recovery.sweep_unpublished() + fair_share.heal()


@celery_app.task(name=TaskName.MAINTENANCE_REAP.value)
def reap_stale_task() -> dict[str, int]:
    """Requeue (or mark dead) jobs whose worker stopped heart-beating."""
    outcome = recovery.reap_stale(action="requeue")
    return {key: len(ids) for key, ids in outcome.items()}


@celery_app.task(name=TaskName.SYSTEM_PING.value)
def ping() -> str:
    """A no-op used to check that a worker consumes its queue."""
    return "pong"
