"""Social tasks on the `social` queue: per-platform optimisation and the publish hook."""

from __future__ import annotations

from app.jobs.names import TaskName
from app.services.workers.publish_hook import publish
from app.services.workers.social import optimise_reel
from app.tasks.app import celery_app
from app.tasks.base import JobTask
from app.tasks.workflow import run_step


@celery_app.task(name=TaskName.SOCIAL_OPTIMIZE.value, bind=True, base=JobTask)
def optimize(self: JobTask, job_id: str) -> str:
    """Re-encode job `job_id`'s workflow reel for its platform."""
    return run_step(self, job_id, optimise_reel)


@celery_app.task(name=TaskName.SOCIAL_PUBLISH.value, bind=True, base=JobTask)
def publish_reels(self: JobTask, job_id: str) -> str:
    """Announce job `job_id`'s workflow reels to its publish hook."""
    return run_step(self, job_id, publish)
