"""Maintenance run by Celery Beat: lost publishes and workers that stopped heart-beating."""

from __future__ import annotations

import logging

from app.jobs import fair_share
from app.jobs.names import TaskName
from app.services.assets.tagging import send_tagging, take_untagged
from app.services.fleet import recovery
from app.tasks.app import celery_app
from app.tasks.webhooks import publish_delivery
from app.webhooks.stranded import take_stranded

log = logging.getLogger(__name__)


@celery_app.task(name=TaskName.MAINTENANCE_SWEEP.value)
def sweep_unpublished_task() -> int:
    """Re-publish jobs committed but never sent, and overdue retries; release held jobs
    whose owner has no message queued; resend webhook deliveries and tagging messages that
    were lost."""
    return (recovery.sweep_unpublished() + fair_share.heal() + resend_stranded_deliveries()
            + resend_untagged())


def resend_untagged(period_s: float | None = None) -> int:
    """Send the tagging message again for assets still untagged a period after it left."""
    untagged = take_untagged(period_s)
    for asset_id in untagged:
        send_tagging(asset_id)
    if untagged:
        log.warning("maintenance.sweep.tagging_resent", extra={"count": len(untagged)})
    return len(untagged)


def resend_stranded_deliveries(period_s: float | None = None) -> int:
    stranded = take_stranded(period_s)
    for delivery_id in stranded:
        publish_delivery(delivery_id)
    if stranded:
        log.warning("maintenance.sweep.deliveries_resent", extra={"count": len(stranded)})
    return len(stranded)


@celery_app.task(name=TaskName.MAINTENANCE_REAP.value)
def reap_stale_task() -> dict[str, int]:
    """Requeue (or mark dead) jobs whose worker stopped heart-beating."""
    outcome = recovery.reap_stale(action="requeue")
    return {key: len(ids) for key, ids in outcome.items()}


@celery_app.task(name=TaskName.SYSTEM_PING.value)
def ping() -> str:
    """A no-op used to check that a worker consumes its queue."""
    return "pong"
