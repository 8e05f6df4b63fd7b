"""Cancel what an account left running, through the API, so later tests find the shared
workers idle (a fuzzed request may submit minutes of real rendering)."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import create_engine, select

from app.core.config import settings
from app.jobs.lifecycle import CANCELLABLE
from app.models import Job
from tests.support.fixtures import Account

SETTLE_S = 60.0


def _open_jobs(user_id: str) -> list[tuple[uuid.UUID, uuid.UUID | None]]:
    """(job id, workflow id) of the user's jobs not yet finished."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Job.id, Job.workflow_id).where(
                Job.user_id == uuid.UUID(user_id), Job.state.in_(CANCELLABLE)))
            return [(r.id, r.workflow_id) for r in rows]
    finally:
        engine.dispose()


def cancel_open_work(account: Account) -> None:
    """Delete the account's schedules, cancel its open workflows and jobs, and wait until
    none of its jobs is open (a running render is stopped by its worker)."""
    for schedule in account.client.get("/api/v1/schedules").json():
        account.client.delete(f"/api/v1/schedules/{schedule['id']}")
    end = time.monotonic() + SETTLE_S
    while open_jobs := _open_jobs(account.user_id):
        assert time.monotonic() < end, f"{len(open_jobs)} jobs still open: {open_jobs[:5]}"
        for workflow_id in {w for _, w in open_jobs if w is not None}:
            answer = account.client.delete(f"/api/v1/workflows/{workflow_id}")
            assert answer.status_code in {200, 409}, answer.text
        for job_id, workflow_id in open_jobs:
            if workflow_id is None:
                answer = account.client.delete(f"/api/v1/tasks/{job_id}")
                assert answer.status_code in {200, 409}, answer.text
        time.sleep(0.2)  # polling interval of a bounded wait on the system of record
