"""A job another process moves between the API's commit and its `queued` mark (a worker's
claim, a cancel) is published once and still reads whole in the answer: the mark does not
expire the loaded job that the response is built from. A worker that claims the job before
the mark records and announces `queued` itself, so every client sees queued < started."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable

import redis
from sqlalchemy import create_engine, update

from app.core.config import settings
from app.core.db import make_async_engine, make_sessionmaker
from app.jobs.claim import claim, finish
from app.jobs.committed import apublish_committed
from app.jobs.policy import DEFAULT_POLICY
from app.jobs.publish import publish_job
from app.jobs.runtime import JobRun
from app.models import Job, JobState
from app.realtime.bus import user_stream
from tests.ops.rows import stored_job
from tests.support.canary import insert_canary
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker


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


async def _mark(job: Job) -> list[object]:
    engine = make_async_engine()
    try:
        async with make_sessionmaker(engine)() as session:
            return list(await apublish_committed(session, [job], fair=False))
    finally:
        await engine.dispose()



def test_a_claim_ahead_of_the_mark_records_queued_itself(
        make_account: Callable[..., Account]) -> None:
    account = make_account()
    early = insert_canary(account.user_id, publish=False, sleep_s=0)
    loaded = stored_job(early)  # the submit's copy, `pending`
    run = claim(early, "default@here", DEFAULT_POLICY)
    assert isinstance(run, JobRun) and run.queued_event is not None
    assert run.queued_event["type"] == "job.queued"
    assert run.queued_event["job_id"] == str(early)
    assert run.queued_event["kind"] == "canary" and run.queued_event["queue"] == "default"
    row = stored_job(early)
    assert [h["state"] for h in row.history] == ["pending", "queued", "started"]
    assert row.queued_at == row.started_at
    # the publisher's mark comes second and matches nothing: one `queued` in all
    assert asyncio.run(_mark(loaded)) == []
    assert [h["state"] for h in stored_job(early).history] == ["pending", "queued", "started"]
    assert finish(run, JobState.SUCCEEDED)  # the mark's message finds it finished

    on_time = insert_canary(account.user_id, publish=True, sleep_s=0)  # marked `queued`
    run = claim(on_time, "default@here", DEFAULT_POLICY)
    assert isinstance(run, JobRun) and run.queued_event is None
    row = stored_job(on_time)
    assert [h["state"] for h in row.history] == ["pending", "started"]
    assert row.queued_at is not None and row.queued_at < row.started_at
    assert finish(run, JobState.SUCCEEDED)


def test_a_worker_ahead_of_the_mark_announces_queued_before_started(
        make_account: Callable[..., Account], default_worker: CeleryWorker) -> None:
    account = make_account()
    job_id = insert_canary(account.user_id, publish=False, sleep_s=0)
    # published and never marked: the worker finds the row `pending`
    publish_job(job_id=job_id, task_name="system.canary", queue="default", priority=5)
    assert account.wait_job(str(job_id))["state"] == "succeeded"
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    try:
        events = [json.loads(fields[b"d"]) for _, fields in
                  client.xrange(user_stream(account.user_id))]  # type: ignore[union-attr]
    finally:
        client.close()
    types = [e["type"] for e in events if e.get("job_id") == str(job_id)]
    assert types.count("job.queued") == 1, types
    assert types.index("job.queued") < types.index("job.started") < types.index(
        "job.succeeded")
