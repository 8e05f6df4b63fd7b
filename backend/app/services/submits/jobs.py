"""Jobs from the API's side: create (then publish after commit), read, list, cancel."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any, Protocol

import redis.asyncio as aioredis
from anyio import to_thread
from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cursor import decode_cursor as decode_cursor  # the lists of other services
from app.core.cursor import encode_cursor as cursor_of
from app.core.errors import AppError, NotFound
from app.core.transaction import after_commit
from app.jobs import fair_share
from app.jobs.committed import apublish_committed
from app.jobs.lifecycle import CANCELLABLE, cancel_key, history_entry, transition
from app.jobs.names import SEGMENT_KIND, TaskName, queue_for
from app.jobs.quotas import capped_priority
from app.models import Job, JobState, User
from app.realtime import bus
from app.realtime.events import JOB_CANCELLED, job_event
from app.services.submits.job_posts import cancel_posts_of_job

log = logging.getLogger(__name__)

CANCEL_KEY_TTL_S = 24 * 3600


async def create_job(
    *,
    session: AsyncSession,
    redis: aioredis.Redis,
    user: User,
    kind: str,
    task: TaskName,
    params: dict[str, Any],
    priority: int,
    job_id: uuid.UUID | None = None,
) -> Job:
    """Insert a pending job; it reaches the broker only once the transaction commits."""
    job = Job(
        id=job_id or uuid.uuid4(), user_id=user.id, kind=kind, task_name=task.value,
        queue=queue_for(task).value,
        priority=capped_priority(plan=user.plan, role=user.role, priority=priority),
        state=JobState.PENDING.value, params=params, history=history_entry(JobState.PENDING),
        progress=0.0, attempts=0, created_at=datetime.now(UTC),
    )
    session.add(job)
    await session.flush()

    async def _publish() -> None:
        await publish_and_mark_queued(session=session, redis=redis, job=job)

    after_commit(session, _publish)
    return job


async def publish_and_mark_queued(*, session: AsyncSession, redis: aioredis.Redis,
                                  job: Job) -> None:
    """Publish a committed job and record `queued` (or hold it for fair share), then
    announce it; on broker failure the job stays `pending` and the sweeper retries."""
    await bus.publish_many(redis, await apublish_committed(session, [job]))


async def get_job(*, session: AsyncSession, user: User, job_id: uuid.UUID) -> Job:
    """The user's own job; another user's id reads as not found."""
    job = await session.get(Job, job_id)
    if job is None or job.user_id != user.id:
        raise NotFound("job", field="job_id")
    return job


async def record_result_gone(session: AsyncSession, job_id: uuid.UUID, key: str) -> None:
    """Record on a succeeded job that its stored result `key` is gone, and log it.

    Committed at once: the request that found it answers 410 (an error), which would roll
    the request's transaction back. The state stays `succeeded` (the work was done);
    `error.code = "result_gone"` tells the owner and the operator why there is no file."""
    await session.execute(
        update(Job).where(Job.id == job_id, Job.output_key == key,
                          Job.state == JobState.SUCCEEDED.value)
        .values(error={"code": "result_gone", "message": "the result file is no longer stored",
                       "at": datetime.now(UTC).isoformat()}))
    await session.commit()
    log.warning("result_gone job=%s key=%s", job_id, key)


class Keyed(Protocol):
    """A row listed newest first: jobs, workflows, batches."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def id(self) -> uuid.UUID: ...


def encode_cursor(row: Keyed) -> str:
    """The cursor of the page after `row` (app.core.cursor)."""
    return cursor_of(row.created_at, row.id)


async def list_jobs(
    *,
    session: AsyncSession,
    user: User,
    state: str | None,
    kind: str | None,
    queue: str | None,
    limit: int,
    cursor: str | None,
    project_id: uuid.UUID | None = None,
) -> tuple[list[Job], str | None]:
    """The user's jobs (in one project, given `project_id`), newest first,
    keyset-paginated on (created_at, id)."""
    query = select(Job).where(Job.user_id == user.id)
    if project_id is not None:
        query = query.where(Job.project_id == project_id)
    if state:
        query = query.where(Job.state == state)
    if kind:
        query = query.where(Job.kind == kind)
    else:  # a render's segments are read through the render (`result.segments`)
        query = query.where(Job.kind != SEGMENT_KIND)
    if queue:
        query = query.where(Job.queue == queue)
    if cursor:
        created, job_id = decode_cursor(cursor)
        query = query.where(tuple_(Job.created_at, Job.id) < tuple_(created, job_id))
    query = query.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit + 1)
    jobs = list(await session.scalars(query))
    next_cursor = encode_cursor(jobs[limit - 1]) if len(jobs) > limit else None
    return jobs[:limit], next_cursor


async def cancel_job(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                     job_id: uuid.UUID) -> Job:
    """Cancel a job that has not finished; a running render is stopped by its worker, and
    a publish job's unfinished post is cancelled with it."""
    job = await get_job(session=session, user=user, job_id=job_id)
    row = await session.execute(
        transition(JobState.CANCELLED, Job.id == job_id, from_=CANCELLABLE,
                   finished_at=datetime.now(UTC)).returning(Job.state))
    if row.first() is None:
        raise AppError("not_cancellable", f"job is already {job.state}", 409, field="job_id")
    await cancel_posts_of_job(session, job_id)  # a publish job's post ends with it
    parts = (await session.execute(  # a render's segments stop with it
        transition(JobState.CANCELLED, Job.kind == SEGMENT_KIND, Job.user_id == user.id,
                   Job.params["parent_id"].astext == str(job_id), from_=CANCELLABLE,
                   finished_at=datetime.now(UTC)).returning(Job.id))).scalars().all()
    await session.refresh(job)
    for stopped in (job_id, *parts):
        await redis.set(cancel_key(stopped), "1", ex=CANCEL_KEY_TTL_S)

    async def _announce() -> None:
        await bus.publish(redis, user.id, job_event(JOB_CANCELLED, job_id,
                                                    state=JobState.CANCELLED.value))
        # a queued message is gone from the user's share: let a held job take its place
        await to_thread.run_sync(fair_share.release_next, user.id)

    after_commit(session, _announce)
    return job
