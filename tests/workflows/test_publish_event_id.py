"""One workflow publish carries one event id: a retried attempt (a busy hook) and a retry of
the failed workflow send the same `id` and `Reelforge-Event-Id`, so the receiver can drop
a repeat."""

from __future__ import annotations

import json

import httpx

from app.webhooks.webhooks import HEADER_EVENT_ID
from tests.support.fixtures import Account
from tests.support.media import image_bytes
from tests.support.processes import ApiServer, CeleryWorker
from tests.webhooks.receiver import Answer, Receiver
from tests.workflows.conftest import wait_workflow

SCRIPT = "Honey never spoils. Share this with a friend."


def test_publish_event_id_is_stable_across_attempts(
        account: Account, client: httpx.Client, hook_api: ApiServer,
        workers: dict[str, CeleryWorker]) -> None:
    # busy (503: retried by the job), then refused (400: the workflow fails), then taken
    hook = Receiver(script=[Answer(503), Answer(400)])
    try:
        image = account.upload(image_bytes((30, 90, 160), (720, 1280)), "sky.png", "image")
        assert image.status_code == 201, image.text
        answer = client.post("/api/v1/tasks/submit/workflow", json={
            "script": SCRIPT, "platforms": ["tiktok"], "publish": {"url": f"{hook.url}/r"},
            "video": {"quality": "draft", "image_asset_ids": [image.json()["id"]]}})
        assert answer.status_code == 202, answer.text
        workflow_id = answer.json()["id"]
        failed = wait_workflow(client, workflow_id)
        assert failed["state"] == "failed", failed
        retried = client.post(f"/api/v1/tasks/{workflow_id}/retry")
        assert retried.status_code in {200, 202}, retried.text
        done = wait_workflow(client, workflow_id)
        assert done["state"] == "succeeded", done["error"]
    finally:
        hook.stop()
    assert [r.path for r in hook.requests] == ["/r"] * 3
    ids = {json.loads(r.body)["id"] for r in hook.requests}
    headers = {r.headers[HEADER_EVENT_ID.lower()] for r in hook.requests}
    assert len(ids) == 1 and headers == ids
