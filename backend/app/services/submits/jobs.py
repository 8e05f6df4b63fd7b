"""Jobs from the API's side: create (then publish after commit), read, list, cancel."""

from __future__ import annotations

import base64
import logging
import uuid
from datetime import UTC, datetime
from typing import Any, cast

import redis.asyncio as aioredis
from anyio import to_thread
from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.core.transaction import after_commit
from app.jobs.names import TaskName, queue_for
from app.jobs.publish import publish_job
from app.jobs.state import CANCELLABLE, cancel_key, history_append, history_entry
from app.models import Job, JobState, User
from app.realtime import bus
from app.realtime.events import JOB_CANCELLED, JOB_HELD, JOB_QUEUED, job_event
from app.services.submits import fair_share

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
        queue=queue_for(task).value, priority=priority, state=JobState.PENDING.value,
        params=params, history=history_entry(JobState.PENDING),
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
    """Publish a committed job and record `queued` (or hold it for fair share); on broker
    failure the job stays `pending` and the sweeper retries."""
    ahead = await session.scalar(fair_share.queued_ahead(
        user_id=job.user_id, queue=job.queue, priority=job.priority))
    if fair_share.must_hold(ahead or 0):
        await _hold(session=session, redis=redis, job=job)
        return
    try:
        await to_thread.run_sync(lambda: publish_job(
            job_id=job.id, task_name=job.task_name, queue=job.queue, priority=job.priority))
    except Exception:
        log.exception("job.publish_failed", extra={"job_id": str(job.id)})
        return
    now = datetime.now(UTC)
    row = await session.execute(
        update(Job)
        .where(Job.id == job.id, Job.state == JobState.PENDING.value)
        .values(state=JobState.QUEUED.value, queued_at=now,
                history=history_append(JobState.QUEUED))
        .returning(Job.state, Job.queued_at, Job.history)
    )
    updated = row.first()
    await session.commit()
    if updated is not None:
        job.state, job.queued_at, job.history = cast(
            tuple[str, datetime, list[dict[str, Any]]], tuple(updated))
        await bus.publish(redis, job.user_id, job_event(
            JOB_QUEUED, job.id, state=JobState.QUEUED.value, kind=job.kind, queue=job.queue,
            priority=job.priority))


async def _hold(*, session: AsyncSession, redis: aioredis.Redis, job: Job) -> None:
    row = await session.execute(
        update(Job).where(Job.id == job.id, Job.state == JobState.PENDING.value)
        .values(state=JobState.HELD.value, history=history_append(JobState.HELD))
        .returning(Job.state, Job.history))
    held = row.first()
    await session.commit()
    if held is not None:
        job.state, job.history = cast(tuple[str, list[dict[str, Any]]], tuple(held))
        await bus.publish(redis, job.user_id, job_event(
            JOB_HELD, job.id, state=JobState.HELD.value, kind=job.kind, queue=job.queue,
            priority=job.priority))


async def get_job(*, session: AsyncSession, user: User, job_id: uuid.UUID) -> Job:
    """The user's own job; another user's id reads as not found."""
    job = await session.get(Job, job_id)
    if job is None or job.user_id != user.id:
        raise NotFound("job", field="job_id")
    return job


def encode_cursor(job: Job) -> str:
    raw = f"{job.created_at.isoformat()}|{job.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        created, _, job_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(created), uuid.UUID(job_id)
    except ValueError:
        raise AppError("invalid_cursor", "cursor is not valid", 422, field="cursor") from None


async def list_jobs(
    *,
    session: AsyncSession,
    user: User,
    state: str | None,
    kind: str | None,
    queue: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[list[Job], str | None]:
    """The user's jobs, newest first, keyset-paginated on (created_at, id)."""
    query = select(Job).where(Job.user_id == user.id)
    if state:
        query = query.where(Job.state == state)
    if kind:
        query = query.where(Job.kind == kind)
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
    """Cancel a job that has not finished; a running render is stopped by its worker."""
    job = await get_job(session=session, user=user, job_id=job_id)
    row = await session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state.in_(CANCELLABLE))
        .values(state=JobState.CANCELLED.value, finished_at=datetime.now(UTC),
                history=history_append(JobState.CANCELLED))
        .returning(Job.state)
    )
    if row.first() is None:
        raise AppError("not_cancellable", f"job is already {job.state}", 409, field="job_id")
    await session.refresh(job)
    await redis.set(cancel_key(job_id), "1", ex=CANCEL_KEY_TTL_S)

    async def _announce() -> None:
        await bus.publish(redis, user.id, job_event(JOB_CANCELLED, job_id,
                                                    state=JobState.CANCELLED.value))
        # a queued message is gone from the user's share: let a held job take its place
        await to_thread.run_sync(fair_share.release_next, user.id, job.queue)

    after_commit(session, _announce)
    return job
