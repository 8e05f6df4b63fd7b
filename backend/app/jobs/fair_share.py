"""Fair share between users: at most FAIR_SHARE_PER_USER messages per user per queue wait
on the broker; a user's further jobs are `held` in PostgreSQL and released one per claim.

So another user's single job waits behind at most that many of a heavy user's jobs, not
behind the whole backlog. A job more urgent than all of its owner's queued jobs is never
held, so priorities still order one user's own work. Synchronous (psycopg): the API calls
it in a thread after commit, workers after a claim, the sweeper to heal.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, func, select

from app.core.config import settings
from app.core.db import sync_session
from app.jobs.lifecycle import transition
from app.jobs.publish import publish_job
from app.models import Job, JobState


@dataclass(frozen=True)
class Released:
    job_id: uuid.UUID
    task_name: str
    queue: str
    priority: int


def queued_ahead(*, user_id: uuid.UUID, queue: str, priority: int) -> Select[int]:
    """How many of the user's messages on `queue` are at least as urgent as `priority`."""
    return select(func.count()).where(Job.user_id == user_id, Job.queue == queue,
                                      Job.state == JobState.QUEUED.value,
                                      Job.priority >= priority)


def must_hold(ahead: int) -> bool:
    """Whether a job with `ahead` such messages before it exceeds its owner's share."""
    return 0 < settings.admission.FAIR_SHARE_PER_USER <= ahead


def release_next(user_id: uuid.UUID, queue: str) -> list[Released]:
    """Publish the user's most urgent held jobs on `queue` while the share allows."""
    share = settings.admission.FAIR_SHARE_PER_USER
    released: list[Released] = []
    with sync_session() as session:
        queued = session.scalar(
            select(func.count()).where(Job.user_id == user_id, Job.queue == queue,
                                       Job.state == JobState.QUEUED.value)) or 0
        free = max(share - queued, 0) if share > 0 else 1_000_000
        if free == 0:
            return []
        # selected first, then updated: a LIMIT inside `IN (subquery)` of an UPDATE is not
        # guaranteed to bound the rows the UPDATE touches
        held = list(session.scalars(select(Job.id).where(
            Job.user_id == user_id, Job.queue == queue, Job.state == JobState.HELD.value
        ).order_by(Job.priority.desc(), Job.created_at).limit(free).with_for_update(
            skip_locked=True)))
        if not held:
            session.commit()
            return []
        rows = session.execute(
            transition(JobState.QUEUED, Job.id.in_(held), from_=JobState.HELD,
                       entry={"by": "fair_share"}, queued_at=datetime.now(UTC))
            .returning(Job.id, Job.task_name, Job.queue, Job.priority)).all()
        session.commit()
    for row in rows:
        publish_job(job_id=row.id, task_name=row.task_name, queue=row.queue,
                    priority=row.priority)
        released.append(Released(row.id, row.task_name, row.queue, row.priority))
    return released


def heal() -> int:
    """Release held jobs of every (user, queue) that has none queued: the sweeper's part."""
    with sync_session() as session:
        pairs = session.execute(
            select(Job.user_id, Job.queue).where(Job.state == JobState.HELD.value)
            .group_by(Job.user_id, Job.queue)).all()
    return sum(len(release_next(user_id, queue)) for user_id, queue in pairs)
