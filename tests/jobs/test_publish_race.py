"""A job another process moves between the API's commit and its `queued` mark (a worker's
claim, a cancel) is published once and still reads whole in the answer: the mark does not
expire the loaded job that the response is built from."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

from sqlalchemy import create_engine, update

from app.core.config import settings
from app.core.db import make_async_engine, make_sessionmaker
from app.jobs.committed import apublish_committed
from app.models import Job
from tests.support.canary import insert_canary
from tests.support.fixtures import Account


def _move(job_id: uuid.UUID, state: str) -> None:
    """What a worker's claim or a cancel does to the row, from another connection."""
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id).values(state=state))
    engine.dispose()


async def _publish_after_a_move(job_id: uuid.UUID) -> Job:
    engine = make_async_engine()
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.get(Job, job_id)
            assert job is not None and job.state == "pending"
            _move(job_id, "cancelled")  # lands after the submit's commit, before its mark
            announced = await apublish_committed(session, [job], fair=False)
            assert announced == []  # nothing moved to `queued`: the row had moved on
        return job  # detached now, as when the route builds its answer
    finally:
        await engine.dispose()


def test_a_job_moved_before_its_queued_mark_still_reads_whole(
        make_account: Callable[..., Account]) -> None:
    account = make_account()
    job_id = insert_canary(account.user_id, publish=False, sleep_s=0)
    job = asyncio.run(_publish_after_a_move(job_id))
    # every column of the answer is still loaded (no refresh of a detached instance)
    assert job.history[0]["state"] == "pending"
    assert job.state == "pending"
    read = account.client.get(f"/api/v1/tasks/{job_id}").json()
    assert read["state"] == "cancelled"
