"""An endpoint's recent deliveries, newest first and paged, and a finished delivery sent
again through the worker: the same signed event arrives a second time, as one more
attempt on the same row."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx

from app.webhooks.webhooks import EVENT_TYPES
from tests.support.canary import insert_canary
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker
from tests.webhooks.conftest import FINAL_DELIVERY, wait_deliveries
from tests.webhooks.receiver import Answer, Receiver
from tests.webhooks.test_delivery import add_endpoint, verifies


def _wait_row(client: httpx.Client, webhook_id: str, *, attempts: int,
              deadline_s: float = 60.0) -> dict[str, Any]:
    """Poll the endpoint's newest delivery until it has `attempts` and is final."""
    end = time.monotonic() + deadline_s
    row: dict[str, Any] = {}
    while time.monotonic() < end:
        page = client.get(f"/api/v1/webhooks/{webhook_id}/deliveries").json()
        row = page["items"][0]
        if row["attempts"] >= attempts and row["status"] in FINAL_DELIVERY:
            return row
        time.sleep(0.05)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"delivery not final after {attempts} attempts: {row}")


def test_a_delivery_is_listed_and_sent_again_on_request(
        account: Account, make_account: Callable[[], Account], local_client: httpx.Client,
        social_worker: CeleryWorker, default_worker: CeleryWorker) -> None:
    # the resend's attempt is held for a moment, so a second press finds it still sending
    receiver = Receiver(script=[Answer(200), Answer(200, delay_s=1.0)])
    try:
        endpoint = add_endpoint(local_client, f"{receiver.url}/hook")
        first_job = str(insert_canary(account.user_id))
        (older,) = wait_deliveries(account.client, first_job)
        second_job = str(insert_canary(account.user_id))
        (newer,) = wait_deliveries(account.client, second_job)
        url = f"/api/v1/webhooks/{endpoint['id']}/deliveries"

        page = account.client.get(url, params={"limit": 1}).json()
        assert [d["id"] for d in page["items"]] == [newer["id"]]
        rest = account.client.get(url, params={"limit": 1, "cursor": page["next_cursor"]})
        assert [d["id"] for d in rest.json()["items"]] == [older["id"]]
        assert rest.json()["next_cursor"] is None
        assert account.client.get(url, params={"cursor": "nonsense"}).status_code == 422

        resent = account.client.post(f"/api/v1/webhooks/deliveries/{newer['id']}/resend")
        assert resent.status_code == 202, resent.text
        assert resent.json()["status"] == "pending" and resent.json()["delivered_at"] is None
        again = account.client.post(f"/api/v1/webhooks/deliveries/{newer['id']}/resend")
        assert again.status_code == 409 and again.json()["error"]["code"] == (
            "delivery_in_progress")

        row = _wait_row(account.client, endpoint["id"], attempts=2)
        first, second = receiver.wait_for(3)[1:]  # [0] is the older job's event
    finally:
        receiver.stop()
    assert len(receiver.requests) == 3  # the refused second press sent nothing
    assert row["id"] == newer["id"] and row["status"] == "succeeded"
    assert [a["attempt"] for a in row["attempt_log"]] == [1, 2]
    assert first.body == second.body  # the same event, byte for byte
    assert json.loads(second.body)["id"] == newer["event_id"]
    assert second.headers["reelforge-event-id"] == newer["event_id"]
    assert verifies(second, endpoint["secret"])

    stranger = make_account()
    assert stranger.client.get(url).status_code == 404
    refused = stranger.client.post(f"/api/v1/webhooks/deliveries/{newer['id']}/resend")
    assert refused.status_code == 404


def test_the_event_types_are_listed_with_when_they_are_sent(account: Account) -> None:
    answer = account.client.get("/api/v1/webhooks/event-types")
    assert answer.status_code == 200, answer.text
    types = {e["type"]: e["description"] for e in answer.json()}
    assert list(types) == list(EVENT_TYPES)
    assert "result" in types["job.succeeded"]
