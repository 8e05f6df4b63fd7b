"""Retry: a failed workflow from its failed step (earlier outputs reused), or a failed job.

Each retry is a submit for the quotas: checked like one, under the same lock, and
recorded as a `resubmits` row, so cancel-then-retry renders no more than the plan."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.errors import AppError, NotFound
from app.core.transaction import after_commit
from app.jobs.committed import apublish_committed
from app.jobs.lifecycle import cancel_key, transition
from app.jobs.names import TaskName, queue_for
from app.jobs.quotas import check_submit
from app.models import Job, JobState, Resubmit, User, Workflow, WorkflowState
from app.realtime import bus
from app.services.workflows.steps import StepRef, lock_workflow, reset_for_retry
from app.services.workflows.submit import start_after_commit

RETRYABLE_JOB_STATES = (JobState.FAILED.value, JobState.DEAD.value, JobState.CANCELLED.value)
RETRYABLE_WORKFLOW_STATES = (WorkflowState.FAILED.value, WorkflowState.CANCELLED.value)


@dataclass
class Retried:
    """What a retry re-armed: a workflow and its steps, or one job."""

    kind: str  # "workflow" or "job"
    id: uuid.UUID
    steps: list[str] = field(default_factory=list)


async def retry(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                target_id: uuid.UUID) -> Retried:
    """`target_id` is a workflow, a step of one (its workflow is retried) or a lone job."""
    workflow = await session.get(Workflow, target_id)
    if workflow is None or workflow.user_id != user.id:
        job = await session.get(Job, target_id)
        if job is None or job.user_id != user.id:
            raise NotFound("workflow or job", field="id")
        if job.workflow_id is None:
            return await _retry_job(session=session, redis=redis, user=user, job=job)
        target_id = job.workflow_id
        workflow = await session.get(Workflow, target_id)
        assert workflow is not None  # a step's workflow goes only with its steps
    if workflow.state in RETRYABLE_WORKFLOW_STATES:  # re-checked under the row lock below
        # a workflow counts as one video, at its submit and at each retry
        await check_submit(session=session, redis=redis, user=user, kind="video",
                           queue=queue_for(TaskName.VIDEO_REEL).value)

    def rearm(sync: Session) -> list[StepRef] | str:
        locked = lock_workflow(sync, target_id)
        assert locked is not None  # owned: checked above, deleted only with its user
        if locked.state not in RETRYABLE_WORKFLOW_STATES:
            return locked.state
        return reset_for_retry(sync, locked)

    outcome = await session.run_sync(rearm)
    if isinstance(outcome, str):
        raise AppError("not_retryable", f"workflow is {outcome}; only failed or cancelled "
                                        "workflows are retried", 409, field="id")
    session.add(Resubmit(user_id=user.id, kind="video", target_id=target_id))
    _clear_cancel_flags(session, redis, [r.job_id for r in outcome])
    start_after_commit(session, redis, user.id, [(target_id, outcome)])
    return Retried("workflow", target_id, [r.step for r in outcome])


def _clear_cancel_flags(session: AsyncSession, redis: aioredis.Redis,
                        job_ids: list[uuid.UUID]) -> None:
    """A flag left from the cancel would stop the new attempt at once."""

    async def _clear() -> None:
        if job_ids:
            await redis.delete(*[cancel_key(i) for i in job_ids])

    after_commit(session, _clear)


async def _retry_job(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                     job: Job) -> Retried:
    """The same job again, as a new attempt with the same parameters: a submit of its
    kind for the quotas."""
    if job.state in RETRYABLE_JOB_STATES:  # re-checked by the conditional update below
        await check_submit(session=session, redis=redis, user=user, kind=job.kind,
                           queue=job.queue)
    row = await session.execute(
        transition(JobState.PENDING, Job.id == job.id, from_=RETRYABLE_JOB_STATES,
                   entry={"by": "retry"}, error=None, retries=0, finished_at=None,
                   retry_at=None, progress=0.0, stage=None)
        .returning(Job.id))
    if row.first() is None:
        raise AppError("not_retryable", f"job is {job.state}; only failed, dead or cancelled "
                                        "jobs are retried", 409, field="id")
    await session.refresh(job)
    session.add(Resubmit(user_id=user.id, kind=job.kind, target_id=job.id))
    _clear_cancel_flags(session, redis, [job.id])

    async def _publish() -> None:
        await bus.publish_many(redis, await apublish_committed(session, [job]))

    after_commit(session, _publish)
    return Retried("job", job.id)
