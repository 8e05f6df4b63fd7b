"""Retry policies on real workers: transient errors retry with backoff, then go dead;
admins list dead letters and requeue them with the same arguments."""

from __future__ import annotations

import uuid

from tests.support.canary import canary_counts, insert_canary
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker


def test_transient_failure_retries_then_succeeds(account: Account,
                                                 default_worker: CeleryWorker) -> None:
    job_id = insert_canary(account.user_id, fail_times=1)
    done = account.wait_job(str(job_id))
    assert done["state"] == "succeeded"
    assert done["attempts"] == 2
    states = [h["state"] for h in done["history"]]
    assert states.count("started") == 2 and "retrying" in states
    assert canary_counts(job_id) == (2, 1)


def test_exhausted_retries_make_a_dead_letter_that_admins_requeue(
        account: Account, admin_account: Account, default_worker: CeleryWorker) -> None:
    job_id = insert_canary(account.user_id, fail_times=4)  # default policy: 3 retries
    dead = account.wait_job(str(job_id))
    assert dead["state"] == "dead"
    assert dead["attempts"] == 4
    assert dead["error"]["code"] == "transient_error"

    letters = admin_account.client.get("/api/v1/admin/dead-letters",
                                       params={"task_type": "system.canary"}).json()
    letter = next(d for d in letters if d["id"] == str(job_id))
    assert letter["params"] == {"fail_times": 4}
    assert [a["attempt"] for a in letter["attempt_log"]] == [1, 2, 3, 4]
    assert all(a["error"]["code"] == "transient_error" for a in letter["attempt_log"])
    assert all(a["worker"] == default_worker.hostname for a in letter["attempt_log"])

    assert account.client.get("/api/v1/admin/dead-letters").status_code == 403
    requeued = admin_account.client.post("/api/v1/admin/requeue",
                                         json={"ids": [str(job_id)]})
    assert requeued.status_code == 200 and requeued.json()["requeued"] == [str(job_id)]
    again = account.wait_job(str(job_id))
    assert again["state"] == "succeeded"  # the fifth attempt passes fail_times=4
    assert again["attempts"] == 5 and again["params"] == {"fail_times": 4}
    assert canary_counts(job_id) == (5, 1)


def test_requeue_filters_by_task_type_and_age(admin_account: Account) -> None:
    nothing = admin_account.client.post("/api/v1/admin/requeue",
                                        json={"task_type": "no.such.task"})
    assert nothing.json() == {"requeued": []}
    bad = admin_account.client.post("/api/v1/admin/requeue", json={"max_age_hours": -1})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "max_age_hours"
    unknown = admin_account.client.post("/api/v1/admin/requeue",
                                        json={"ids": [str(uuid.uuid4())]})
    assert unknown.json() == {"requeued": []}
