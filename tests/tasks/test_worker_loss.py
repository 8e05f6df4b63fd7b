"""A worker process killed mid-job: the redelivered message takes the job over as soon as
the dead process's liveness lease lapses, long before its heartbeat would go stale; a job
whose worker vanished with its message is reaped by the cleanup route once the heartbeat is
stale. Nothing is lost or applied twice."""

from __future__ import annotations

import os
import signal
import time
import uuid
from datetime import UTC, datetime, timedelta

import psutil
from sqlalchemy import update

from app.core.config import settings
from app.core.db import sync_session
from app.models import Job
from tests.support.canary import canary_counts, insert_canary
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker

DEADLINE_S = 60.0


def _child_running(worker: CeleryWorker) -> psutil.Process:
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        children = psutil.Process(worker.proc.pid).children()
        if children:
            return children[0]
        time.sleep(0.05)  # polling interval of a bounded wait
    raise AssertionError("no pool process")


def test_killed_child_job_is_taken_over_once_its_lease_lapses(
        account: Account, default_worker: CeleryWorker) -> None:
    job_id = insert_canary(account.user_id, sleep_s=8.0)
    account.wait_job(str(job_id), until={"progress"})
    killed_at = datetime.now(UTC)
    os.kill(_child_running(default_worker).pid, signal.SIGKILL)

    done = account.wait_job(str(job_id), deadline_s=120)
    assert done["state"] == "succeeded"
    lost = done["attempt_log"][0]
    assert lost["error"] == {"code": "worker_lost"} and "#" in lost["worker"]
    # taken over by the lease, not the stale heartbeat (which needs JOB_STALE_AFTER_S)
    taken_at = datetime.fromisoformat(lost["ended_at"])
    assert taken_at - killed_at < timedelta(seconds=settings.broker.JOB_STALE_AFTER_S)
    executions, effects = canary_counts(job_id)
    assert effects == 1 and executions >= 2


def test_a_job_whose_worker_vanished_is_reaped_by_cleanup(
        account: Account, admin_account: Account, default_worker: CeleryWorker) -> None:
    job_id = insert_canary(account.user_id, publish=False, sleep_s=0.5)
    stale = datetime.now(UTC) - timedelta(seconds=30)
    with sync_session() as session:  # running on a worker that is gone, message and all
        session.execute(update(Job).where(Job.id == job_id).values(
            state="progress", worker="default@vanished", attempts=1, started_at=stale,
            heartbeat_at=stale))
        session.commit()
    reaped = admin_account.client.post("/api/v1/admin/cleanup",
                                       json={"stale_after_s": 4}).json()
    assert str(job_id) in reaped["requeued"]
    done = account.wait_job(str(job_id), deadline_s=120)
    assert done["state"] == "succeeded"
    assert done["attempt_log"][0]["error"] == {"code": "worker_lost"}
    assert canary_counts(uuid.UUID(str(job_id)))[1] == 1
