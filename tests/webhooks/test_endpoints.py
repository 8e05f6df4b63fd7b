"""Endpoint management: the secret is shown once, reads and deletes are owner-only, and the
callback signing secret rotates."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.fixtures import Account


def test_create_shows_the_secret_once_then_lists_without_it(
        account: Account, local_client: httpx.Client) -> None:
    created = local_client.post("/api/v1/webhooks", json={
        "url": "http://127.0.0.1:9/in", "events": ["job.dead", "job.dead"],
        "description": "pager"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_") and body["events"] == ["job.dead"]
    listed = local_client.get("/api/v1/webhooks").json()
    assert [e["id"] for e in listed] == [body["id"]] and "secret" not in listed[0]
    one = local_client.get(f"/api/v1/webhooks/{body['id']}").json()
    assert one["description"] == "pager" and "secret" not in one
    again = local_client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/in"})
    assert again.status_code == 409 and again.json()["error"]["field"] == "url"


def test_all_job_events_by_default_and_unknown_events_refused(
        local_client: httpx.Client) -> None:
    created = local_client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/all"})
    assert created.json()["events"] == ["job.succeeded", "job.failed", "job.dead"]
    for events in (["job.exploded"], []):
        bad = local_client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1:9/x",
                                                          "events": events})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "events"


def test_endpoints_are_owner_only(account: Account, local_client: httpx.Client,
                                  make_account: Callable[[], Account]) -> None:
    endpoint = local_client.post("/api/v1/webhooks",
                                 json={"url": "http://127.0.0.1:9/mine"}).json()
    other = make_account()
    assert other.client.get(f"/api/v1/webhooks/{endpoint['id']}").status_code == 404
    assert other.client.delete(f"/api/v1/webhooks/{endpoint['id']}").status_code == 404
    assert other.client.get("/api/v1/webhooks").json() == []
    assert local_client.delete(f"/api/v1/webhooks/{endpoint['id']}").status_code == 204
    assert local_client.get(f"/api/v1/webhooks/{endpoint['id']}").status_code == 404


def test_the_signing_secret_rotates(account: Account) -> None:
    first = account.client.post("/api/v1/webhooks/signing-secret")
    second = account.client.post("/api/v1/webhooks/signing-secret")
    assert first.status_code == second.status_code == 201
    assert first.json()["secret"] != second.json()["secret"]


def test_webhook_routes_need_credentials(account: Account) -> None:
    anonymous = httpx.Client(base_url=str(account.client.base_url))
    with anonymous:
        assert anonymous.get("/api/v1/webhooks").status_code == 401
        assert anonymous.post("/api/v1/webhooks/signing-secret").status_code == 401
