"""Failures on real workers: a step failing for good, retry from it, cancel while running."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import Asset
from app.tasks.app import celery_app
from tests.support.fixtures import Account
from tests.support.media import image_bytes
from tests.support.processes import CeleryWorker
from tests.support.store import put_object, take_object
from tests.workflows.conftest import wait_step, wait_workflow

SCRIPT = ("Honey never spoils. Archaeologists found pots of it in old tombs. "
          "It was still good to eat. Share this with a friend.")
OPEN = {"pending", "waiting", "queued", "started", "progress", "retrying"}


@contextmanager
def video_paused(worker: CeleryWorker) -> Iterator[None]:
    """Stop the video worker taking messages, so a test acts while the render waits."""
    celery_app.control.cancel_consumer("video", destination=[worker.hostname], reply=True)
    try:
        yield
    finally:
        celery_app.control.add_consumer("video", destination=[worker.hostname], reply=True)


def storage_key(asset_id: str) -> str:
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        key = conn.scalar(select(Asset.storage_key).where(Asset.id == asset_id))
    engine.dispose()
    assert key is not None
    return str(key)


def submit_with_image(account: Account, client: httpx.Client) -> tuple[str, str]:
    image = account.upload(image_bytes((30, 90, 160), (720, 1280)), "sky.png", "image")
    assert image.status_code == 201, image.text
    answer = client.post("/api/v1/tasks/submit/workflow", json={
        "script": SCRIPT, "platforms": ["tiktok", "reels"],
        "video": {"quality": "draft", "captions": "boxed",
                  "image_asset_ids": [image.json()["id"]]}})
    assert answer.status_code == 202, answer.text
    return answer.json()["id"], image.json()["id"]


def states(workflow: dict[str, Any]) -> dict[str, str]:
    return {s["step"]: s["state"] for s in workflow["steps"]}


def test_a_deleted_image_fails_the_workflow_and_cancels_later_steps(
        account: Account, client: httpx.Client, workers: dict[str, CeleryWorker]) -> None:
    with video_paused(workers["video"]):
        workflow_id, image_id = submit_with_image(account, client)
        wait_step(client, workflow_id, "render", {"queued"})  # content and voice are done
        assert account.client.delete(f"/api/v1/assets/{image_id}").status_code == 204
    failed = wait_workflow(client, workflow_id)
    assert failed["state"] == "failed"
    assert failed["error"]["step"] == "render"
    assert failed["error"]["code"] == "asset_missing"
    assert states(failed) == {"content": "succeeded", "voice": "succeeded", "render": "failed",
                              "optimize:tiktok": "cancelled", "optimize:reels": "cancelled"}
    assert failed["stage"] == "failed" and failed["label"] == "failed"
    assert failed["finished_at"] is not None
    running = account.client.get("/api/v1/tasks", params={"state": "started"}).json()
    assert running["items"] == []


def test_retry_reruns_from_the_failed_step_reusing_earlier_outputs(
        account: Account, client: httpx.Client, workers: dict[str, CeleryWorker],
        tmp_path: Path) -> None:
    with video_paused(workers["video"]):
        workflow_id, image_id = submit_with_image(account, client)
        wait_step(client, workflow_id, "render", {"queued"})
        stored = storage_key(image_id)
        aside = take_object(stored)  # the file vanishes from storage; the asset row stays
    failed = wait_workflow(client, workflow_id)
    assert failed["state"] == "failed" and failed["error"]["code"] == "asset_missing"
    before = {s["step"]: s for s in failed["steps"]}

    put_object(stored, aside, tmp_path)
    render_job = before["render"]["job_id"]
    retried = client.post(f"/api/v1/tasks/{render_job}/retry")  # a failed step's job id
    assert retried.status_code == 202, retried.text
    assert retried.json()["kind"] == "workflow" and retried.json()["id"] == workflow_id
    assert retried.json()["steps"] == ["render", "optimize:tiktok", "optimize:reels"]
    again = client.post(f"/api/v1/tasks/{workflow_id}/retry")
    assert again.status_code == 409  # running again: nothing to retry

    done = wait_workflow(client, workflow_id)
    assert done["state"] == "succeeded", done["error"]
    assert done["retries"] == 1
    after = {s["step"]: s for s in done["steps"]}
    for reused in ("content", "voice"):  # ran once, their outputs used as they were
        assert after[reused]["attempts"] == 1
        assert after[reused]["finished_at"] == before[reused]["finished_at"]
        assert after[reused]["result"] == before[reused]["result"]
    assert after["render"]["attempts"] == 2
    assert {s["state"] for s in after.values()} == {"succeeded"}
    assert done["result"]["reels"].keys() == {"tiktok", "reels"}


def test_a_failed_single_job_is_retried_as_a_new_attempt(
        account: Account, client: httpx.Client, content_worker: CeleryWorker) -> None:
    job = client.post("/api/v1/tasks/submit/tts",
                      json={"text": "Hello there.", "voice": {"voice": "zz-nowhere"}}).json()
    failed = account.wait_job(job["id"])
    assert failed["state"] == "failed", failed
    retried = client.post(f"/api/v1/tasks/{job['id']}/retry")
    assert retried.status_code == 202 and retried.json() == {
        "kind": "job", "id": job["id"], "steps": [], "url": f"/api/v1/tasks/{job['id']}"}
    again = account.wait_job(job["id"], until={"failed"})
    assert again["attempts"] == 2 and [h["state"] for h in again["history"]].count("pending") == 2


def test_cancel_stops_the_running_render_and_the_rest(
        account: Account, client: httpx.Client, workers: dict[str, CeleryWorker]) -> None:
    long_script = " ".join(f"Sentence {n} adds a few more words to the narration." for n in
                           range(1, 13))
    answer = client.post("/api/v1/tasks/submit/workflow", json={
        "script": long_script, "platforms": ["tiktok"],
        "video": {"quality": "high", "captions": "karaoke"}})
    workflow_id = answer.json()["id"]
    wait_step(client, workflow_id, "render", {"progress"})
    log = workers["video"].log
    returned_early = log.read_text().count("'cancelled'")
    cancelled = client.delete(f"/api/v1/workflows/{workflow_id}")
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert body["state"] == "cancelled"
    assert states(body) == {"content": "succeeded", "voice": "succeeded",
                            "render": "cancelled", "optimize:tiktok": "cancelled"}
    end = time.monotonic() + 120
    while log.read_text().count("'cancelled'") == returned_early and time.monotonic() < end:
        time.sleep(0.1)  # polling interval of a bounded wait for the worker to stop
    # the task returned "cancelled": the render saw the flag and stopped
    assert log.read_text().count("'cancelled'") == returned_early + 1
    final = client.get(f"/api/v1/workflows/{workflow_id}").json()
    assert not OPEN & set(states(final).values())
    render = next(s for s in final["steps"] if s["step"] == "render")
    assert render["result"] is None and render["result_url"] is None


def test_a_step_cancelled_on_its_own_cancels_its_workflow(
        account: Account, client: httpx.Client, workers: dict[str, CeleryWorker]) -> None:
    submitted = client.post("/api/v1/tasks/submit/workflow", json={
        "script": SCRIPT, "platforms": ["tiktok"], "video": {"quality": "draft"}}).json()
    render = next(s for s in submitted["steps"] if s["step"] == "render")
    assert account.client.delete(f"/api/v1/tasks/{render['job_id']}").status_code == 200
    ended = wait_workflow(client, submitted["id"])
    assert ended["state"] == "cancelled"
    assert ended["error"]["step"] == "render" and ended["error"]["code"] == "step_cancelled"
    after = states(ended)
    # the voice step ran or not, by whether the content step finished before the cancel
    assert after.pop("voice") in {"succeeded", "cancelled"}
    assert after == {"content": "succeeded", "render": "cancelled",
                     "optimize:tiktok": "cancelled"}
