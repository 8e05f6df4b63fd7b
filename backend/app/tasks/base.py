"""The base of every job task: Celery's side of `app.jobs.execute.run_job`.

A task takes a job id, never objects; the job row says what to do. This adapter only
says which message arrived on which worker, and that a job's end sends its webhooks.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from celery import Task

from app.jobs.execute import Delivery, JobBody, run_job
from app.tasks.webhooks import enqueue_job_webhooks

__all__ = ["JobBody", "JobTask"]


class JobTask(Task):  # type: ignore[misc]
    abstract = True

    @property
    def worker_name(self) -> str:
        return str(self.request.hostname or "worker")

    def run_job(self, job_id: str, body: JobBody,
                on_final: Callable[[uuid.UUID], None] | None = None, *,
                webhooks: bool = True) -> str:
        """Run `body` on the job; at its end the webhooks go out (unless the job is a part
        of another, which sends its own), then `on_final` (a kind's own bookkeeping, e.g. a
        post settled after its job failed)."""
        queue = (self.request.delivery_info or {}).get("routing_key") or "default"

        def final(ended: uuid.UUID) -> None:
            if webhooks:
                enqueue_job_webhooks(ended)
            if on_final is not None:
                on_final(ended)

        return run_job(job_id, body, Delivery(task_name=self.name, queue=queue,
                                              worker=self.worker_name, on_final=final))
