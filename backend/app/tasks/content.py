"""Script-writing tasks on the `content` queue: thin wrappers around app.content."""

from __future__ import annotations

from app.jobs.names import TaskName
from app.services.workers.content import analyse, generate, tag, vary
from app.tasks.app import celery_app
from app.tasks.base import JobTask
from app.tasks.workflow import run_step


@celery_app.task(name=TaskName.CONTENT_GENERATE.value, bind=True, base=JobTask)
def generate_script(self: JobTask, job_id: str) -> str:
    """Write (or take) the script of job `job_id`, cut into segments."""
    return run_step(self, job_id, generate)


@celery_app.task(name=TaskName.CONTENT_HASHTAGS.value, bind=True, base=JobTask)
def hashtags(self: JobTask, job_id: str) -> str:
    """Rank the hashtags of job `job_id`'s topic for its platform."""
    return run_step(self, job_id, tag)


@celery_app.task(name=TaskName.CONTENT_ANALYZE.value, bind=True, base=JobTask)
def analyze(self: JobTask, job_id: str) -> str:
    """Write a script for job `job_id` and measure it."""
    return run_step(self, job_id, analyse)


@celery_app.task(name=TaskName.CONTENT_VARIATIONS.value, bind=True, base=JobTask)
def variations(self: JobTask, job_id: str) -> str:
    """Write A/B variants of job `job_id`'s script."""
    return run_step(self, job_id, vary)
