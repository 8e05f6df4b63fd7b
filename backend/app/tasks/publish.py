"""Send a job's message to its queue with the broker priority its API priority maps to."""

from __future__ import annotations

import uuid

from app.jobs.priority import to_broker
from app.tasks.app import celery_app


def publish_job(*, job_id: uuid.UUID, task_name: str, queue: str, priority: int,
                countdown: float | None = None) -> None:
    """Publish `task_name(job_id)`; safe to repeat, since workers claim jobs conditionally."""
    celery_app.send_task(
        task_name,
        args=[str(job_id)],
        queue=queue,
        priority=to_broker(priority),
        countdown=countdown,
    )
