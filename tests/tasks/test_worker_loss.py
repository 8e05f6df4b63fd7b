"""A worker process killed mid-job: the job is taken over once its heartbeat is stale,
by the redelivered message or by the cleanup route; nothing is lost or applied twice."""

from __future__ import annotations

import os
import signal
import time

import psutil

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


def test_killed_child_job_is_recovered_by_cleanup(account: Account, admin_account: Account,
                                                  default_worker: CeleryWorker) -> None:
    job_id = insert_canary(account.user_id, sleep_s=8.0)
    account.wait_job(str(job_id), until={"progress"})
    os.kill(_child_running(default_worker).pid, signal.SIGKILL)

    # the row still says running; an admin reaps it as soon as the heartbeat is stale
    reaped: dict[str, list[str]] = {"requeued": []}
    end = time.monotonic() + DEADLINE_S
    while str(job_id) not in reaped["requeued"] and time.monotonic() < end:
        reaped = admin_account.client.post("/api/v1/admin/cleanup",
                                           json={"stale_after_s": 4}).json()
        time.sleep(0.5)  # polling interval: each call is a real cleanup pass
    assert str(job_id) in reaped["requeued"]
    done = account.wait_job(str(job_id), deadline_s=120)
    assert done["state"] == "succeeded"
    assert done["attempt_log"][0]["error"] == {"code": "worker_lost"}
    executions, effects = canary_counts(job_id)
    assert effects == 1 and executions >= 2
