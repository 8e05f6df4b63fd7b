"""Deliveries on real workers: job outcomes reach local receivers as signed events, failing
receivers are retried with growing backoff ceilings and the same event id, and every
attempt shows on the job's deliveries route."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select

from app.core.db import sync_session
from app.models import WebhookSecret
from app.webhooks.webhooks import verify_signature
from tests.support.canary import insert_canary
from tests.support.fixtures import Account
from tests.support.jobs import upload_images
from tests.support.processes import CeleryWorker
from tests.webhooks.conftest import wait_deliveries
from tests.webhooks.receiver import Answer, Received, Receiver

WORKER_MAX_ATTEMPTS = 4  # conftest.WORKER_ENV


def add_endpoint(client: httpx.Client, url: str, **fields: Any) -> dict[str, Any]:
    answer = client.post("/api/v1/webhooks", json={"url": url, **fields})
    assert answer.status_code == 201, answer.text
    endpoint: dict[str, Any] = answer.json()
    return endpoint


def verifies(request: Received, secret: str) -> bool:
    return verify_signature(secret=secret, body=request.body,
                            timestamp=request.headers["reelforge-timestamp"],
                            signature=request.headers["reelforge-signature"])


def test_a_succeeded_job_delivers_one_signed_event(
        account: Account, local_client: httpx.Client, receiver: Receiver,
        social_worker: CeleryWorker, default_worker: CeleryWorker) -> None:
    endpoint = add_endpoint(local_client, f"{receiver.url}/hook")
    job_id = str(insert_canary(account.user_id))
    assert account.wait_job(job_id)["state"] == "succeeded"
    (delivery,) = wait_deliveries(account.client, job_id)
    (request,) = receiver.requests
    assert verifies(request, endpoint["secret"])
    assert not verifies(request, "whsec_someone-else")
    event = json.loads(request.body)
    assert event["type"] == "job.succeeded" == request.headers["reelforge-event-type"]
    assert event["id"] == request.headers["reelforge-event-id"] == delivery["event_id"]
    assert event["data"]["job_id"] == job_id and event["data"]["state"] == "succeeded"
    assert event["data"]["result"]["effect_key"] == f"canary/{job_id}.json"
    assert event["data"]["url"].endswith(f"/api/v1/tasks/{job_id}")
    assert request.path == "/hook" and request.method == "POST"
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 1
    assert delivery["last_status_code"] == 200 and delivery["endpoint_id"] == endpoint["id"]
    assert delivery["source"] == "endpoint" and delivery["delivered_at"]


def test_a_failing_receiver_is_retried_with_the_same_event(
        account: Account, local_client: httpx.Client, social_worker: CeleryWorker,
        default_worker: CeleryWorker) -> None:
    receiver = Receiver(script=[Answer(500), Answer(500, body=b"busy"), Answer(200)])
    try:
        endpoint = add_endpoint(local_client, receiver.url)
        job_id = str(insert_canary(account.user_id))
        (delivery,) = wait_deliveries(account.client, job_id)
    finally:
        receiver.stop()
    assert delivery["status"] == "succeeded" and delivery["attempts"] == 3
    assert delivery["last_status_code"] == 200 and delivery["last_error"] is None
    log = delivery["attempt_log"]
    assert [a["attempt"] for a in log] == [1, 2, 3]
    assert [a["status_code"] for a in log] == [500, 500, 200]
    assert [a["error"] for a in log] == ["HTTP 500", "HTTP 500", None]
    assert log[1]["response"] == "busy"
    # full jitter: each wait is drawn under a ceiling that doubles (base 0.4 s in the worker)
    assert [a["backoff_ceiling_s"] for a in log[:2]] == [0.4, 0.8]
    assert all(0 <= a["retry_in_s"] <= a["backoff_ceiling_s"] for a in log[:2])
    assert "retry_in_s" not in log[2]
    requests = receiver.requests
    assert len(requests) == 3
    for before, after, entry in zip(requests, requests[1:], log, strict=False):
        assert after.at - before.at >= entry["retry_in_s"] - 0.01  # waited as scheduled
    assert len({r.headers["reelforge-event-id"] for r in requests}) == 1
    assert {json.loads(r.body)["id"] for r in requests} == {delivery["event_id"]}
    assert len({r.body for r in requests}) == 1  # the same bytes every time
    assert all(verifies(r, endpoint["secret"]) for r in requests)


def test_a_receiver_that_keeps_failing_gets_the_attempt_budget(
        account: Account, local_client: httpx.Client, social_worker: CeleryWorker,
        default_worker: CeleryWorker) -> None:
    receiver = Receiver(default=Answer(502))
    gone = Receiver(default=Answer(410))
    try:
        add_endpoint(local_client, receiver.url)
        add_endpoint(local_client, gone.url)
        job_id = str(insert_canary(account.user_id))
        deliveries = wait_deliveries(account.client, job_id, count=2)
    finally:
        receiver.stop()
        gone.stop()
    by_url = {d["url"]: d for d in deliveries}
    exhausted, refused = by_url[receiver.url], by_url[gone.url]
    assert exhausted["status"] == "failed"
    assert exhausted["attempts"] == WORKER_MAX_ATTEMPTS == len(receiver.requests)
    assert exhausted["next_attempt_at"] is None and exhausted["last_status_code"] == 502
    assert (refused["status"], refused["attempts"], len(gone.requests)) == ("failed", 1, 1)
    assert refused["last_error"] == "HTTP 410"


def test_retry_after_is_honoured(account: Account, local_client: httpx.Client,
                                 social_worker: CeleryWorker,
                                 default_worker: CeleryWorker) -> None:
    receiver = Receiver(script=[Answer(429, {"Retry-After": "1"})])
    try:
        add_endpoint(local_client, receiver.url)
        job_id = str(insert_canary(account.user_id))
        (delivery,) = wait_deliveries(account.client, job_id)
    finally:
        receiver.stop()
    first, second = receiver.requests
    assert second.at - first.at >= 1.0
    assert delivery["attempt_log"][0]["retry_after_s"] == 1.0
    assert delivery["attempt_log"][0]["retry_in_s"] == 1.0
    assert delivery["status"] == "succeeded"


def test_a_dead_job_reaches_only_endpoints_that_asked_for_it(
        account: Account, local_client: httpx.Client, social_worker: CeleryWorker,
        default_worker: CeleryWorker) -> None:
    dead_only, success_only = Receiver(), Receiver()
    try:
        endpoint = add_endpoint(local_client, dead_only.url, events=["job.dead"])
        add_endpoint(local_client, success_only.url, events=["job.succeeded"])
        job_id = str(insert_canary(account.user_id, fail_times=10))
        job = account.wait_job(job_id)
        (delivery,) = wait_deliveries(account.client, job_id)
    finally:
        dead_only.stop()
        success_only.stop()
    assert job["state"] == "dead" and success_only.requests == []
    (request,) = dead_only.requests
    event = json.loads(request.body)
    assert event["type"] == "job.dead" == delivery["event_type"]
    assert event["data"]["error"]["code"] == "transient_error"
    assert event["data"]["attempts"] == job["attempts"]
    assert datetime.fromisoformat(event["created_at"]) == datetime.fromisoformat(
        job["finished_at"])
    assert verifies(request, endpoint["secret"])


def test_a_video_callback_url_is_signed_with_the_user_secret(
        account: Account, local_client: httpx.Client, receiver: Receiver,
        social_worker: CeleryWorker, worker: CeleryWorker) -> None:
    secret = local_client.post("/api/v1/webhooks/signing-secret").json()["secret"]
    images = upload_images(account, 1)
    answer = local_client.post("/api/v1/tasks/submit/video", json={
        "asset_ids": images, "seconds_per_image": 1.0, "transition": "none",
        "resolution": "1080x1080", "fps": 24, "callback_url": f"{receiver.url}/done?job=1"})
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert "callback_url" not in job["params"]  # kept on the job row, not the render spec
    assert account.wait_job(job["id"])["state"] == "succeeded"
    (delivery,) = wait_deliveries(account.client, job["id"])
    (request,) = receiver.requests
    assert request.path == "/done?job=1" and verifies(request, secret)
    event = json.loads(request.body)
    assert event["type"] == "job.succeeded" and event["data"]["job_id"] == job["id"]
    assert event["data"]["result_url"].endswith(f"/api/v1/tasks/{job['id']}/result")
    assert delivery["source"] == "callback" and delivery["endpoint_id"] is None


def test_a_first_callback_url_creates_the_secret_that_signs_it(
        account: Account, local_client: httpx.Client, receiver: Receiver,
        social_worker: CeleryWorker, worker: CeleryWorker) -> None:
    """The batched submit path makes the user's signing secret on first use, and a second
    submit keeps it."""
    assert _stored_secret(account) is None
    images = upload_images(account, 1)
    body = {"asset_ids": images, "seconds_per_image": 0.5, "transition": "none",
            "resolution": "1080x1080", "fps": 24, "callback_url": f"{receiver.url}/first"}
    first = local_client.post("/api/v1/tasks/submit/video", json=body)
    assert first.status_code == 202, first.text
    secret = _stored_secret(account)
    assert secret is not None
    again = local_client.post("/api/v1/tasks/submit/video", json=body)
    assert again.status_code == 202, again.text
    assert _stored_secret(account) == secret
    for job in (first.json(), again.json()):
        assert account.wait_job(job["id"])["state"] == "succeeded"
        wait_deliveries(account.client, job["id"])
    assert len(receiver.requests) == 2
    assert all(verifies(request, secret) for request in receiver.requests)


def _stored_secret(account: Account) -> str | None:
    with sync_session() as session:
        return session.scalar(select(WebhookSecret.secret)
                              .where(WebhookSecret.user_id == account.user_id))


def test_deliveries_are_owner_only(account: Account, local_client: httpx.Client,
                                   make_account: Callable[[], Account],
                                   default_worker: CeleryWorker) -> None:
    job_id = str(insert_canary(account.user_id))
    account.wait_job(job_id)
    assert account.client.get(f"/api/v1/tasks/{job_id}/deliveries").json() == []
    other = make_account()
    assert other.client.get(f"/api/v1/tasks/{job_id}/deliveries").status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert account.client.get(f"/api/v1/tasks/{unknown}/deliveries").status_code == 404
