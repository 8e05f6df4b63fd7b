"""The canary task: a thin wrapper around the canary service."""

from __future__ import annotations

from app.jobs.names import TaskName
from app.services.fleet.canary import run_canary
from app.tasks.app import celery_app
from app.tasks.base import JobTask


@celery_app.task(name=TaskName.SYSTEM_CANARY.value, bind=True, base=JobTask)
def canary(self: JobTask, job_id: str) -> str:
    """Run the canary job `job_id`."""
    return self.run_job(job_id, run_canary)
