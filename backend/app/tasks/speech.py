"""The speech task on the `content` queue: a thin wrapper around app.speech."""

from __future__ import annotations

from app.jobs.names import TaskName
from app.services.workers.speech import synthesize
from app.tasks.app import celery_app
from app.tasks.base import JobTask
from app.tasks.workflow import run_step


@celery_app.task(name=TaskName.SPEECH_SYNTHESIZE.value, bind=True, base=JobTask)
def synthesize_speech(self: JobTask, job_id: str) -> str:
    """Speak job `job_id`'s text (or its workflow's script) into a WAV."""
    return run_step(self, job_id, synthesize)
