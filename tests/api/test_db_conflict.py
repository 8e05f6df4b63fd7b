"""A request PostgreSQL picks as a deadlock's victim answers 503 `database_conflict` with
Retry-After, not a 500: its transaction was rolled back whole, and the same request
succeeds when tried again. The deadlock is a real one, on the workflow cancel's locks."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

import httpx
from sqlalchemy import create_engine, select, text

from app.core.config import settings
from app.models import Job, JobState, Workflow
from tests.ops.rows import blocked_by, stored_job, workflow_step
from tests.support.fixtures import Account

DEADLINE_S = 30.0  # bounds waits that take milliseconds; reached only by a failure


def test_a_deadlock_victim_answers_503_and_its_retry_goes_through(
        make_account: Callable[..., Account]) -> None:
    account = make_account()
    workflow_id, job_id = workflow_step(uuid.UUID(account.user_id),
                                         state=JobState.WAITING.value)
    engine = create_engine(settings.database.sync_url)
    other, watcher = engine.connect(), engine.connect()
    answers: list[httpx.Response] = []
    path = f"/api/v1/workflows/{workflow_id}"
    try:
        other.begin()
        # this side never gives up first: the cancel's check (1 s) finds the cycle
        other.execute(text("SET LOCAL deadlock_timeout = '60s'"))
        other.execute(select(Job.id).where(Job.id == job_id).with_for_update())
        other_pid = int(other.execute(text("SELECT pg_backend_pid()")).scalar_one())
        cancel = threading.Thread(target=lambda: answers.append(account.client.delete(path)))
        cancel.start()  # locks the workflow, then waits for the step this side holds
        end = time.monotonic() + DEADLINE_S
        while not blocked_by(watcher, other_pid) and time.monotonic() < end:
            watcher.commit()  # a fresh look at pg_stat_activity
            cancel.join(timeout=0.01)
        other.execute(select(Workflow.id).where(Workflow.id == workflow_id).with_for_update())
        cancel.join(timeout=DEADLINE_S)
        other.rollback()
    finally:
        other.close()
        watcher.close()
        engine.dispose()
    [refused] = answers
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"]["code"] == "database_conflict"
    assert refused.headers["Retry-After"] == "1"
    assert stored_job(job_id).state == JobState.WAITING.value  # rolled back whole
    read = account.client.get(path)
    assert read.status_code == 200 and read.json()["state"] == "running", read.text
    again = account.client.delete(path)
    assert again.status_code == 200, again.text
    assert again.json()["state"] == "cancelled"
    assert stored_job(job_id).state == JobState.CANCELLED.value

