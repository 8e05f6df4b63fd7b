"""The original plan's `GET /tasks/status/{task_id}`: a job or a workflow, in Celery's words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import NotFound
from app.models import Job, User, Workflow
from app.schemas.task_status import CeleryState, TaskStatusRead
from app.services.workflows.reads import workflow_read
from app.services.workflows.submit import workflow_jobs

JOB_STATES: dict[str, CeleryState] = {
    "pending": "PENDING", "waiting": "PENDING", "held": "PENDING", "queued": "PENDING",
    "started": "STARTED", "progress": "PROGRESS", "retrying": "RETRY",
    "succeeded": "SUCCESS", "failed": "FAILURE", "dead": "FAILURE", "cancelled": "REVOKED"}
WORKFLOW_STATES: dict[str, CeleryState] = {
    "pending": "PENDING", "running": "PROGRESS", "succeeded": "SUCCESS",
    "failed": "FAILURE", "cancelled": "REVOKED"}


def _seconds(started: datetime | None, finished: datetime | None) -> float | None:
    if started is None:
        return None
    return round(((finished or datetime.now(UTC)) - started).total_seconds(), 3)


async def task_status(*, session: AsyncSession, user: User, task_id: uuid.UUID) -> TaskStatusRead:
    """The caller's job or workflow with this id; anything else reads as not found."""
    prefix = settings.app.API_PREFIX
    job = await session.get(Job, task_id)
    if job is not None and job.user_id == user.id:
        return TaskStatusRead(
            task_id=job.id, kind="job", state=JOB_STATES[job.state],
            progress=round(job.progress * 100, 1), status=job.stage or job.state,
            execution_time=_seconds(job.started_at, job.finished_at),
            url=f"{prefix}/tasks/{job.id}")
    workflow = await session.get(Workflow, task_id)
    if workflow is not None and workflow.user_id == user.id:
        read = workflow_read(workflow, await workflow_jobs(session, workflow))
        return TaskStatusRead(
            task_id=workflow.id, kind="workflow", state=WORKFLOW_STATES[workflow.state],
            progress=round(read.progress * 100, 1), status=workflow.stage or workflow.state,
            execution_time=_seconds(workflow.started_at, workflow.finished_at),
            url=f"{prefix}/workflows/{workflow.id}")
    raise NotFound("task", field="task_id")
