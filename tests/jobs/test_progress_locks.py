"""A running step's progress write never waits on its workflow's row: a workflow cancel
locks the workflow, then its steps, so a progress write that needed the workflow while
holding its step would deadlock with it (PostgreSQL's check of the workflow foreign key,
run when a transaction updates a row version it wrote itself)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import create_engine, select, text, update

from app.core.config import settings
from app.jobs.claim import claim
from app.jobs.policy import DEFAULT_POLICY
from app.jobs.runtime import JobRun
from app.models import Job, JobState, Workflow
from tests.ops.rows import blocked_by, make_user, stored_job, workflow_step

DEADLINE_S = 30.0  # a bound on a write that takes milliseconds; reached only by a failure


def test_the_first_progress_write_does_not_wait_for_a_locked_workflow() -> None:
    workflow_id, job_id = workflow_step(make_user(), state=JobState.PENDING.value)
    run = claim(job_id, "content@here", DEFAULT_POLICY)
    assert isinstance(run, JobRun)
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
            waited = max(waited, blocked_by(watcher, holder_pid))
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
