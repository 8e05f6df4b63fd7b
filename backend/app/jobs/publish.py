"""The runtime's port to the broker: publish a job's message, a workflow's canvas, and ask
which queues the live workers consume. The Celery adapter (`app.tasks.publish`) installs
itself here; the API installs it at start and a worker when Celery loads its modules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Protocol


class Broker(Protocol):
    def publish(self, *, task_name: str, job_id: uuid.UUID, queue: str, priority: int,
                countdown: float | None) -> None:
        """Send `task_name(job_id)` to `queue` at the API priority `priority` (0-10)."""

    def publish_steps(self, steps: Sequence[Any]) -> None:
        """Send the canvas of a workflow's released steps."""

    def active_queues(self, timeout_s: float) -> dict[str, list[dict[str, Any]]] | None:
        """Each live worker's consumed queues (None: nobody answered in time)."""


_installed: list[Broker] = []


def install_broker(broker: Broker) -> None:
    _installed[:] = [broker]


def broker() -> Broker:
    if not _installed:
        raise RuntimeError("no broker installed: call app.tasks.publish.install_celery_broker()")
    return _installed[0]


def publish_job(*, job_id: uuid.UUID, task_name: str, queue: str, priority: int,
                countdown: float | None = None) -> None:
    """Publish `task_name(job_id)`; safe to repeat, since workers claim jobs conditionally."""
    broker().publish(task_name=task_name, job_id=job_id, queue=queue, priority=priority,
                     countdown=countdown)


def publish_steps(steps: Sequence[Any]) -> None:
    """Send the canvas of `steps` (the first level must be claimable)."""
    if steps:
        broker().publish_steps(steps)
