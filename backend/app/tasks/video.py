"""Video tasks: thin wrappers that hand a claimed job to the renderer."""

from __future__ import annotations

from app.jobs.names import TaskName
from app.services.workers.render import render_video_job
from app.services.workers.segment_job import render_segment_job
from app.tasks.app import celery_app
from app.tasks.base import JobTask


@celery_app.task(name=TaskName.VIDEO_RENDER.value, bind=True, base=JobTask)
def render_video(self: JobTask, job_id: str) -> str:
    """Render the video job `job_id`."""
    return self.run_job(job_id, render_video_job)


@celery_app.task(name=TaskName.VIDEO_RENDER_GPU.value, bind=True, base=JobTask)
def render_video_gpu(self: JobTask, job_id: str) -> str:
    """Render a 4K video job on a gpu worker (NVENC if its probe encode works, else CPU)."""
    return self.run_job(job_id, render_video_job)


@celery_app.task(name=TaskName.VIDEO_SEGMENT.value, bind=True, base=JobTask)
def render_segment(self: JobTask, job_id: str) -> str:
    """Render one segment of a long video job (its parent stitches the parts)."""
    return self.run_job(job_id, render_segment_job, webhooks=False)


@celery_app.task(name=TaskName.VIDEO_SEGMENT_GPU.value, bind=True, base=JobTask)
def render_segment_gpu(self: JobTask, job_id: str) -> str:
    """Render one segment of a gpu-queue video job."""
    return self.run_job(job_id, render_segment_job, webhooks=False)
