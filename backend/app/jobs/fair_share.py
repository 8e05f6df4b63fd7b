"""Fair share between users: at most FAIR_SHARE_PER_USER messages per user wait on the
broker, counted over all of the user's queues and priorities; a user's further jobs are
`held` in PostgreSQL and released one per claim, the most urgent first.

So another user's single job waits behind at most that many of a heavy user's jobs, not
behind the whole backlog. So that priorities still order one user's own work, a job more
urgent than every message its owner has queued may go past a full share, by one message
and no more: share + 1 is the most a user ever has on the broker. (Counting only the
queued jobs at least as urgent let rising priorities skip the share without bound, and a
share per queue let a user fill every queue.) Synchronous (psycopg): the API calls it in
a thread after commit, workers after a claim, the sweeper to heal.
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


def queued_of(user_id: uuid.UUID) -> Select[int, int | None]:
    """How many of the user's messages wait on the broker, on every queue, and the highest
    priority among them."""
    return select(func.count(), func.max(Job.priority)).where(
        Job.user_id == user_id, Job.state == JobState.QUEUED.value)


def must_hold(queued: int, top: int | None, priority: int) -> bool:
    """Whether a job of `priority` exceeds the share when its owner has `queued` messages
    on the broker, the most urgent at `top`."""
    share = settings.admission.FAIR_SHARE_PER_USER
    if share <= 0 or queued < share:
        return False
    overtakes = queued == share and top is not None and priority > top
    return not overtakes


def release_next(user_id: uuid.UUID) -> list[Released]:
    """Publish the user's most urgent held jobs, on any queue, while the share allows."""
    share = settings.admission.FAIR_SHARE_PER_USER
    released: list[Released] = []
    with sync_session() as session:
        queued = session.execute(queued_of(user_id)).one()[0]
        free = max(share - queued, 0) if share > 0 else 1_000_000
        if free == 0:
            return []
        # selected first, then updated: a LIMIT inside `IN (subquery)` of an UPDATE is not
        # guaranteed to bound the rows the UPDATE touches
        held = list(session.scalars(select(Job.id).where(
            Job.user_id == user_id, Job.state == JobState.HELD.value
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
    """Release held jobs of every user under the share: the sweeper's part."""
    with sync_session() as session:
        users = session.scalars(
            select(Job.user_id).where(Job.state == JobState.HELD.value)
            .group_by(Job.user_id)).all()
    return sum(len(release_next(user_id)) for user_id in users)
