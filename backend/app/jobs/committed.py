"""How a committed job reaches the broker, on every admission path (API submits, batches,
scheduled runs): publish it, then record `queued`; or record `held` when its owner is over
the fair share. A failed publish leaves the job `pending` for the sweeper."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from anyio import to_thread
from sqlalchemy import Update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from app.core.db import sync_session
from app.jobs import fair_share
from app.jobs.lifecycle import EVENT_OF, MOVED, Announcement, event, transition
from app.jobs.publish import publish_job
from app.models import Job, JobState
from app.realtime.events import JOB_HELD

log = logging.getLogger(__name__)

def _publish_in_order(jobs: Sequence[Job]) -> list[uuid.UUID]:
    """Publish in order; on the first broker failure stop: the rest stay `pending` and
    the sweeper publishes them."""
    sent: list[uuid.UUID] = []
    for job in jobs:
        try:
            publish_job(job_id=job.id, task_name=job.task_name, queue=job.queue,
                        priority=job.priority)
        except Exception:
            log.exception("job.publish_failed", extra={"job_id": str(job.id)})
            break
        sent.append(job.id)
    return sent


def _refresh(jobs: Sequence[Job], rows: Iterable[Any], to: JobState) -> list[Announcement]:
    """Copy the moved rows' new state onto the loaded jobs; their announcements."""
    by_id = {job.id: job for job in jobs}
    out: list[Announcement] = []
    for row in rows:
        job = by_id[row.id]
        job.state, job.queued_at, job.history = row.state, row.queued_at, row.history
        out.append((job.user_id, event(EVENT_OF[to], job, to)))
    return out


def _queued(sent: list[uuid.UUID]) -> Update:
    return transition(JobState.QUEUED, Job.id.in_(sent), from_=JobState.PENDING,
                      queued_at=datetime.now(UTC))


def _held(ids: list[uuid.UUID]) -> Update:
    return transition(JobState.HELD, Job.id.in_(ids), from_=JobState.PENDING)


def publish_committed(jobs: Sequence[Job], *, fair: bool = True) -> list[Announcement]:
    """Publish committed `pending` jobs and record `queued`, or hold those over their
    owner's fair share (`fair=False`: already decided); a job the sweeper or a cancel
    moved first is left alone. Returns the announcements to send."""
    hold: list[Job] = []
    with sync_session() as session:
        if fair:
            hold = [j for j in jobs if j.state == JobState.PENDING.value
                    and _over_share(session, j)]
        pending = [j for j in jobs if j.state == JobState.PENDING.value and j not in hold]
        sent = _publish_in_order(pending)
        out = _refresh(jobs, session.execute(_held([j.id for j in hold]).returning(*MOVED))
                       if hold else [], JobState.HELD)
        if sent:
            out += _refresh(jobs, session.execute(_queued(sent).returning(*MOVED)),
                            JobState.QUEUED)
        session.commit()
    return out + _already_held(jobs, hold)


async def apublish_committed(db: AsyncSession | AsyncConnection, jobs: Sequence[Job], *,
                             fair: bool = True) -> list[Announcement]:
    """`publish_committed` for the API: the checks and marks on `db` (committed here),
    the publishing in a thread."""
    hold: list[Job] = []
    if fair:
        for job in jobs:
            if job.state == JobState.PENDING.value:
                queued, top = (await db.execute(fair_share.queued_of(job.user_id))).one()
                if fair_share.must_hold(queued, top, job.priority):
                    hold.append(job)
    pending = [j for j in jobs if j.state == JobState.PENDING.value and j not in hold]
    sent = await to_thread.run_sync(_publish_in_order, pending) if pending else []
    out: list[Announcement] = []
    # The rows are copied back from RETURNING; the session must not expire the loaded jobs
    # itself: a job a worker started first matches in memory but not in the database, and an
    # expired attribute could not be read once the request's session is closed.
    unsynced = {"synchronize_session": False}
    if hold:
        out += _refresh(jobs, await db.execute(_held([j.id for j in hold]).returning(*MOVED),
                                               execution_options=unsynced), JobState.HELD)
    if sent:
        out += _refresh(jobs, await db.execute(_queued(sent).returning(*MOVED),
                                               execution_options=unsynced), JobState.QUEUED)
    if hold or sent:
        await db.commit()
    return out + _already_held(jobs, hold)


def _over_share(session: Session, job: Job) -> bool:
    queued, top = session.execute(fair_share.queued_of(job.user_id)).one()
    return fair_share.must_hold(queued, top, job.priority)


def _already_held(jobs: Sequence[Job], just_held: list[Job]) -> list[Announcement]:
    """Jobs inserted `held` (a batch decides the share at insert) are announced too."""
    return [(j.user_id, event(JOB_HELD, j, JobState.HELD)) for j in jobs
            if j.state == JobState.HELD.value and j not in just_held]
