"""A running step's progress write never waits on its workflow's row: a workflow cancel
locks the workflow, then its steps, so a progress write that needed the workflow while
holding its step would deadlock with it (PostgreSQL's check of the workflow foreign key,
run when a transaction updates a row version it wrote itself)."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection, create_engine, insert, select, text, update

from app.core.config import settings
from app.jobs.claim import claim
from app.jobs.policy import DEFAULT_POLICY
from app.jobs.runtime import JobRun
from app.models import Job, JobState, Workflow
from tests.ops.rows import add_jobs, job, make_user, stored_job

DEADLINE_S = 30.0  # a bound on a write that takes milliseconds; reached only by a failure


def _step_of_a_running_workflow() -> uuid.UUID:
    user_id = make_user()
    workflow_id, now = uuid.uuid4(), datetime.now(UTC)
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(Workflow).values(id=workflow_id, user_id=user_id, state="running",
                                             steps=["content"], created_at=now))
    engine.dispose()
    row = job(user_id, created=now, state=JobState.PENDING.value, run_s=None)
    row.update(workflow_id=workflow_id, step="content", progress=0.0, attempts=0)
    add_jobs([row])
    return uuid.UUID(str(row["id"]))


def _blocked_by(conn: Connection, holder_pid: int) -> int:
    """Backends waiting for a lock the holder's connection has."""
    return int(conn.execute(text(
        "SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"),
        {"holder": holder_pid}).scalar_one())


def test_the_first_progress_write_does_not_wait_for_a_locked_workflow() -> None:
    job_id = _step_of_a_running_workflow()
    run = claim(job_id, "content@here", DEFAULT_POLICY)
    assert isinstance(run, JobRun)
    workflow_id = stored_job(job_id).workflow_id
    engine = create_engine(settings.database.sync_url)
    holder, watcher = engine.connect(), engine.connect()
    try:
        holder.begin()  # what a workflow cancel does first (lock_workflow)
        holder_pid = int(holder.execute(text("SELECT pg_backend_pid()")).scalar_one())
        holder.execute(select(Workflow.id).where(Workflow.id == workflow_id).with_for_update())
        writer = threading.Thread(target=run.progress, args=(0.5, "writing"),
                                  kwargs={"force": True})
        writer.start()
        waited = 0
        end = time.monotonic() + DEADLINE_S
        while writer.is_alive() and time.monotonic() < end:
            waited = max(waited, _blocked_by(watcher, holder_pid))
            watcher.commit()  # a fresh snapshot of pg_stat_activity on each look
            if waited:
                break
            writer.join(timeout=0.01)
        # then the cancel's own update of the step goes through
        moved = holder.execute(update(Job).where(Job.id == job_id).values(
            state=JobState.CANCELLED.value)).rowcount
        holder.rollback()
        writer.join(timeout=DEADLINE_S)
        assert waited == 0, "the progress write waited on the workflow's lock"
        assert not writer.is_alive() and moved == 1
    finally:
        holder.close()
        watcher.close()
        engine.dispose()
    row = stored_job(job_id)
    assert row.state == JobState.PROGRESS.value and row.progress == 0.5
    assert row.stage == "writing"
    assert [e["state"] for e in row.history][-2:] == ["started", "progress"]
