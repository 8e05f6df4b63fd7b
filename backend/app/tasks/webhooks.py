"""Webhook tasks: record a job outcome's deliveries, and deliver one on the social queue."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy.exc import OperationalError

from app.jobs.names import Queue, TaskName
from app.tasks.app import celery_app
from app.webhooks import deliveries
from app.webhooks.config import delivery_config
from app.webhooks.sender import attempt_delivery

log = logging.getLogger(__name__)


def publish_delivery(delivery_id: uuid.UUID | str, *, countdown: float | None = None) -> None:
    """Send `webhook.deliver(delivery_id)`; safe to repeat, attempts claim their row."""
    celery_app.send_task(TaskName.WEBHOOK_DELIVER.value, args=[str(delivery_id)],
                         queue=Queue.SOCIAL.value, countdown=countdown)


def enqueue_job_webhooks(job_id: uuid.UUID) -> None:
    """Record and publish the deliveries of a job's final outcome; never raises, so a
    webhook problem cannot change how the job itself ends."""
    try:
        for delivery_id in deliveries.create_for_job(job_id):
            publish_delivery(delivery_id)
    except Exception:
        log.exception("webhook.enqueue_failed", extra={"job_id": str(job_id)})


# A database outage before the attempt starts is retried by Celery (six tries within about a
# minute); answers from receivers are retried by the delivery's own backoff instead.
@celery_app.task(name=TaskName.WEBHOOK_DELIVER.value, autoretry_for=(OperationalError,),
                 retry_backoff=True, retry_jitter=True, max_retries=6)
def deliver(delivery_id: str) -> str:
    """Run the next attempt of delivery `delivery_id`; schedule the one after if needed."""
    step = attempt_delivery(uuid.UUID(delivery_id), config=delivery_config())
    if step.retry_in_s is not None:
        publish_delivery(delivery_id, countdown=step.retry_in_s)
    log.info("webhook.attempted", extra={"delivery_id": delivery_id, "status": step.status,
                                         "retry_in_s": step.retry_in_s})
    return step.status
