"""The Celery adapter of the runtime's broker port (`app.jobs.publish`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from app.jobs.priority import to_broker
from app.jobs.publish import install_broker
from app.services.scaling import install_local_scaler
from app.tasks.app import celery_app


class CeleryBroker:
    """Messages through `celery_app`, with the broker priority the API priority maps to."""

    def publish(self, *, task_name: str, job_id: uuid.UUID, queue: str, priority: int,
                countdown: float | None) -> None:
        celery_app.send_task(task_name, args=[str(job_id)], queue=queue,
                             priority=to_broker(priority), countdown=countdown)

    def publish_steps(self, steps: Sequence[Any]) -> None:
        from app.tasks.workflow import build_canvas  # the task modules import this one

        build_canvas(list(steps)).apply_async()

    def active_queues(self, timeout_s: float) -> dict[str, list[dict[str, Any]]] | None:
        # waits the whole timeout for replies: no one knows how many workers will answer
        replies: dict[str, list[dict[str, Any]]] | None = celery_app.control.inspect(
            timeout=timeout_s).active_queues()
        return replies


def install_celery_broker() -> None:
    """The broker port, and the local scaler that resizes this broker's worker pools."""
    from app.tasks.local_scaler import LocalScaler  # it imports the services above us

    install_broker(CeleryBroker())
    install_local_scaler(LocalScaler)


install_celery_broker()  # a worker imports this module with its tasks (celeryconfig.include)
