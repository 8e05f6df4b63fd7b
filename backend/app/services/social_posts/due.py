"""The posts tick (Beat, `social.posts_tick`): hand every scheduled post whose time has
come to a publish job, once.

Exactly once however many ticks run at once (two beat processes, a redelivered message):
the due rows are locked with SKIP LOCKED, and each is given its job by one conditional
UPDATE (`state = 'scheduled' AND job_id IS NULL`) in the transaction that inserts the
job. A crash before the commit leaves the post due for the next tick; one after it leaves
a `pending` job that the sweeper publishes, like any other. Nothing is kept in memory
between ticks, so a restart loses nothing: the rows are the schedule.
"""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import redis
from sqlalchemy import select, update

from app.core.db import sync_session
from app.jobs.committed import publish_committed
from app.jobs.lifecycle import history_entry
from app.jobs.names import TaskName, queue_for
from app.jobs.quotas import capped_priority
from app.jobs.runtime import worker_redis
from app.models import Job, JobState, PostState, SocialPost, User
from app.realtime import bus
from app.services.social_posts.posts import POST_JOB_KIND, POST_PRIORITY

log = logging.getLogger(__name__)
TASK = TaskName.SOCIAL_POST


def post_job(user: User, post: SocialPost, now: datetime) -> Job:
    """The post's publish job, `pending` until committed and announced."""
    return Job(id=uuid.uuid4(), user_id=user.id, kind=POST_JOB_KIND, task_name=TASK.value,
               queue=queue_for(TASK).value, state=JobState.PENDING.value,
               priority=capped_priority(plan=user.plan, role=user.role,
                                        priority=POST_PRIORITY),
               params={"post_id": str(post.id)},
               history=history_entry(JobState.PENDING, post_id=str(post.id),
                                     publish_at=post.publish_at.isoformat()),
               progress=0.0, attempts=0, created_at=now, project_id=post.project_id)


def enqueue_due(*, now: datetime, limit: int) -> int:
    """Give each post due at `now` its job; how many were handed on."""
    jobs: list[Job] = []
    with sync_session() as session:
        due = list(session.scalars(
            select(SocialPost).where(SocialPost.state == PostState.SCHEDULED.value,
                                     SocialPost.job_id.is_(None),
                                     SocialPost.publish_at <= now)
            .order_by(SocialPost.publish_at).limit(limit).with_for_update(skip_locked=True)))
        for post in due:
            user = session.get(User, post.user_id)
            if user is None:
                continue
            job = post_job(user, post, now)
            session.add(job)
            session.flush()
            taken = session.scalar(update(SocialPost).where(
                SocialPost.id == post.id, SocialPost.state == PostState.SCHEDULED.value,
                SocialPost.job_id.is_(None)).values(job_id=job.id, updated_at=now)
                .returning(SocialPost.id))
            if taken is None:  # cancelled between the read and the lock: no job
                session.delete(job)
                continue
            jobs.append(job)
        session.commit()
    if jobs:
        announce_jobs(jobs)
    log.info("posts.tick", extra={"handed_on": len(jobs)})
    return len(jobs)


def announce_jobs(jobs: list[Job]) -> None:
    """Publish the committed jobs; a broker failure leaves them `pending` for the sweeper."""
    try:
        for user_id, event in publish_committed(jobs):
            bus.publish_sync(worker_redis(), user_id, event)
    except redis.RedisError:
        log.warning("posts.publish_failed", exc_info=True)


def tick(*, now: datetime | None = None, limit: int = 200) -> int:
    return enqueue_due(now=now or datetime.now(UTC), limit=limit)
