"""The original plan's calls as aliases: `GET /tasks/status/{id}` in Celery's words and
`POST /tasks/admin/{cleanup,requeue}` without a body, with its query parameters."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from app.models import JobState, WorkflowState
from app.services.task_status import JOB_STATES, WORKFLOW_STATES
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import CeleryWorker


def test_every_job_and_workflow_state_has_a_celery_name() -> None:
    assert set(JOB_STATES) == {s.value for s in JobState}
    assert set(WORKFLOW_STATES) == {s.value for s in WorkflowState}


def test_status_of_a_finished_render_in_the_plans_shape(
        account: Account, make_account: Callable[[], Account], worker: CeleryWorker) -> None:
    job = submit(account, upload_images(account, 2), seconds_per_image=1.0)
    done = account.wait_job(job["id"])
    assert done["state"] == "succeeded", done

    answer = account.client.get(f"/api/v1/tasks/status/{job['id']}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["task_id"] == job["id"] and body["kind"] == "job"
    assert body["state"] == "SUCCESS" and body["progress"] == 100.0
    ran = (datetime.fromisoformat(done["finished_at"])
           - datetime.fromisoformat(done["started_at"])).total_seconds()
    assert abs(body["execution_time"] - ran) < 0.01
    assert body["url"] == f"/api/v1/tasks/{job['id']}"

    stranger = make_account()
    assert stranger.client.get(f"/api/v1/tasks/status/{job['id']}").status_code == 404
    missing = account.client.get(f"/api/v1/tasks/status/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "task_id"


def test_a_cancelled_job_reads_revoked_with_no_run_time(account: Account) -> None:
    # An ultra (gpu) render: no gpu worker runs in this suite, so it waits until cancelled.
    image = upload_images(account, 1)[0]
    answer = account.client.post("/api/v1/tasks/submit/video", json={"timeline": {
        "scenes": [{"kind": "image", "asset": image, "duration_s": 1.0}],
        "output": {"quality": "ultra"}}})
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["queue"] == "gpu"
    account.client.delete(f"/api/v1/tasks/{job['id']}")
    assert account.wait_job(job["id"])["state"] == "cancelled"
    body = account.client.get(f"/api/v1/tasks/status/{job['id']}").json()
    assert (body["state"], body["execution_time"]) == ("REVOKED", None)


def test_admin_cleanup_and_requeue_answer_on_the_plans_paths(admin_account: Account,
                                                             account: Account) -> None:
    cleanup = admin_account.client.post("/api/v1/tasks/admin/cleanup")
    assert cleanup.status_code == 200, cleanup.text
    assert set(cleanup.json()) == {"requeued", "dead", "failed"}

    requeue = admin_account.client.post("/api/v1/tasks/admin/requeue?max_age_hours=24")
    assert requeue.status_code == 200, requeue.text
    assert isinstance(requeue.json()["requeued"], list)
    bad = admin_account.client.post("/api/v1/tasks/admin/requeue?max_age_hours=-1")
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "max_age_hours"

    for path in ("/api/v1/tasks/admin/cleanup", "/api/v1/tasks/admin/requeue",
                 "/api/v1/tasks/admin/scale?queue_name=video&desired_workers=5"):
        assert account.client.post(path).status_code == 403, path


def test_the_aliases_are_documented_as_such(account: Account) -> None:
    paths = account.client.get("/api/v1/openapi.json").json()["paths"]
    for alias, target in (("/api/v1/tasks/admin/cleanup", "/admin/cleanup"),
                          ("/api/v1/tasks/admin/requeue", "/admin/requeue"),
                          ("/api/v1/tasks/admin/scale", "/admin/scale")):
        assert f"Alias of POST {target}" in paths[alias]["post"]["summary"]
    assert "plan" in paths["/api/v1/tasks/status/{task_id}"]["get"]["summary"]
