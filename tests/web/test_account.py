"""The Account screen in a real browser against the real API and workers: usage meters
that follow a submit, an API key shown once that authenticates until it is revoked, and a
webhook endpoint whose delivery (from a real job) is listed and sent again on request."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.webhooks.webhooks import verify_signature
from tests.support.canary import insert_canary
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import ApiServer, CeleryWorker
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import open_as
from tests.webhooks.conftest import LOCAL_DELIVERY_ENV, WORKER_ENV, environment
from tests.webhooks.receiver import Receiver

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect

DELIVERY_DEADLINE_MS = 60_000


@pytest.fixture(scope="module")
def hooks_api(tmp_root: Path) -> Iterator[ApiServer]:
    """An API server whose URL checks let a loopback http receiver through (as in
    tests/webhooks); everything else is the usual server."""
    server = ApiServer.start(log_dir=tmp_root / "logs", env=LOCAL_DELIVERY_ENV)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def hooks_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """A social-queue worker that may deliver to loopback receivers."""
    with environment(WORKER_ENV):
        proc = CeleryWorker.start(name="social-web", queues="social", concurrency=1,
                                  log_dir=tmp_root / "logs")
    try:
        yield proc
    finally:
        proc.stop()


def _usage(account: Account) -> dict[str, dict[str, Any]]:
    answer = account.client.get("/api/v1/auth/usage")
    assert answer.status_code == 200, answer.text
    return {q["name"]: q for q in answer.json()["quotas"]}


def _expect_meters(page: sync_api.Page, quotas: dict[str, dict[str, Any]]) -> None:
    """Every quota the API reports is on screen with the API's numbers."""
    for name, quota in quotas.items():
        item = page.locator(f'.quota[data-quota="{name}"]')
        expect(item.locator(".quota-figures")).to_have_attribute("data-used", str(quota["used"]))
        expect(item.locator(".quota-figures")).to_have_attribute("data-limit",
                                                                 str(quota["limit"]))
        meter = page.get_by_label(quota["label"], exact=True)
        assert float(meter.evaluate("m => m.value")) == min(quota["used"], quota["limit"])


def test_usage_follows_a_submit_and_an_api_key_is_shown_once(
        page: sync_api.Page, api_server: ApiServer,
        make_account: Callable[..., Account]) -> None:
    account = make_account("free")
    open_as(page, api_server.base_url, account, "account")
    expect(page.get_by_role("heading", name="Account", level=1)).to_be_visible()
    expect(page.locator(".plan-name")).to_have_text("free")
    video = page.locator('.quota[data-quota="submits_per_hour.video"] .quota-figures')
    expect(video).to_have_text("0 of 5 submits")

    submit(account, upload_images(account, 2))  # no worker: it waits in the queue
    expect(video).to_have_text("1 of 5 submits")  # reloaded on the job's pushed event
    _expect_meters(page, _usage(account))
    files = page.locator('.quota[data-quota="max_assets"] .quota-figures')
    expect(files).to_have_text("2 of 200 files")
    storage = page.locator('.quota[data-quota="max_asset_bytes"] .quota-figures')
    expect(storage).to_have_text(re.compile(r"^\d+ KB of 1 GB$"))
    expect(page.locator(".plan-line")).to_have_text("Plan: free")

    page.get_by_role("button", name="Create key").click()
    error = page.locator('.inline-form [data-error-for="name"]')
    expect(error).to_have_text(re.compile(r"^Give the key a name"))
    expect(page.get_by_label("Key name")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Key name").fill("ci pipeline")
    page.get_by_label("Key name").press("Enter")  # the keyboard submits the form
    shown = page.get_by_label("New API key “ci pipeline”", exact=True)
    expect(shown).to_be_focused()
    expect(page.locator(".secret-reveal")).to_contain_text("You will not see this again.")
    key = shown.input_value()
    keys = account.client.get("/api/v1/auth/api-keys").json()
    (listed,) = [k for k in keys if k["name"] == "ci pipeline"]
    assert key.startswith(listed["prefix"])
    me = httpx.get(f"{api_server.base_url}/api/v1/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json()["email"] == account.email
    row = page.locator(f'.key[data-key-id="{listed["id"]}"]')
    expect(row).to_contain_text(f"{listed['prefix']}…")
    expect(row).to_contain_text("never used")  # the list was read before the key's call
    check_a11y(page)  # with the secret on screen

    page.get_by_role("button", name="I have saved it").click()
    expect(page.locator(".secret-reveal")).to_have_count(0)
    expect(page.get_by_label("Key name")).to_be_focused()
    assert key not in page.content()  # shown once: gone from the page

    revoke = row.get_by_role("button", name="Revoke ci pipeline")
    revoke.focus()
    page.keyboard.press("Enter")  # asks first; Escape takes the question back
    expect(row.get_by_role("button", name="Cancel")).to_be_focused()
    page.keyboard.press("Escape")
    expect(revoke).to_be_focused()
    revoke.click()
    expect(row).to_contain_text("Programs using it stop working at once")
    row.get_by_role("button", name="Revoke key").click()
    expect(row).to_have_count(0)
    assert account.client.get("/api/v1/auth/api-keys").json() == []
    again = httpx.get(f"{api_server.base_url}/api/v1/auth/me", headers={"X-API-Key": key})
    assert again.status_code == 401

    page.get_by_role("button", name="Create a new signing secret").click()
    page.get_by_role("button", name="Replace secret").click()
    secret = page.get_by_label("Callback signing secret", exact=True)
    expect(secret).to_have_value(re.compile(r"^whsec_"))


def test_a_webhook_delivery_is_listed_and_resent(
        page: sync_api.Page, hooks_api: ApiServer, hooks_worker: CeleryWorker,
        default_worker: CeleryWorker, account: Account) -> None:
    receiver = Receiver()
    try:
        _webhook_flow(page, hooks_api, account, receiver)
    finally:
        receiver.stop()


def _webhook_flow(page: sync_api.Page, api: ApiServer, account: Account,
                  receiver: Receiver) -> None:
    account.client.post("/api/v1/auth/api-keys", json={"name": "render farm"})
    open_as(page, api.base_url, account, "account")
    url_field = page.get_by_label("Endpoint URL")
    url_error = page.locator('.account-screen [data-error-for="url"]')
    expect(page.get_by_label("job.succeeded")).to_be_checked()  # from GET /webhooks/event-types

    page.get_by_role("button", name="Add endpoint").click()
    expect(url_error).to_have_text(re.compile(r"^Enter the address"))
    url_field.fill("http://169.254.169.254/latest/meta-data")
    page.get_by_role("button", name="Add endpoint").click()
    expect(url_error).to_have_text("169.254.169.254 is a cloud metadata address. Webhooks only "
                                   "go to public internet addresses.")
    expect(url_field).to_have_attribute("aria-invalid", "true")
    expect(url_field).to_be_focused()
    url_field.fill("https://me:hunter2@example.com/hook")
    url_field.press("Enter")
    expect(url_error).to_have_text(re.compile(r"^Leave the user name and password out"))
    assert account.client.get("/api/v1/webhooks").json() == []

    url_field.fill(f"{receiver.url}/hook")
    page.get_by_label("Description (optional)").fill("orders service")
    page.get_by_role("button", name="Add endpoint").click()
    shown = page.get_by_label(f"Signing secret for {receiver.url}/hook", exact=True)
    expect(shown).to_be_focused()
    secret = shown.input_value()
    (endpoint,) = account.client.get("/api/v1/webhooks").json()
    item = page.locator(f'.endpoint[data-webhook-id="{endpoint["id"]}"]')
    expect(item).to_contain_text("Nothing sent yet")
    page.get_by_role("button", name="I have saved it").click()
    expect(page.get_by_label("job.succeeded")).to_be_checked()  # the form is ready again

    job_id = str(insert_canary(account.user_id))  # ends on the default worker
    row = item.locator(".delivery")
    expect(row).to_have_count(1, timeout=DELIVERY_DEADLINE_MS)  # no reload: the event says
    expect(row.locator(".delivery-status")).to_have_text("Delivered",
                                                          timeout=DELIVERY_DEADLINE_MS)
    expect(row).to_contain_text("job.succeeded · HTTP 200 · 1 attempt")
    (first,) = receiver.requests
    assert verify_signature(secret=secret, body=first.body,
                            timestamp=first.headers["reelforge-timestamp"],
                            signature=first.headers["reelforge-signature"])
    assert json.loads(first.body)["data"]["job_id"] == job_id

    check_a11y(page)
    screenshots(page, "account")

    row.get_by_role("button", name=re.compile(r"^Resend job\.succeeded")).click()
    expect(row).to_contain_text("2 attempts", timeout=DELIVERY_DEADLINE_MS)
    expect(row.locator(".delivery-status")).to_have_text("Delivered")
    first, second = receiver.wait_for(2)
    assert second.body == first.body  # the same event, signed again
    assert second.headers["reelforge-event-id"] == first.headers["reelforge-event-id"]
    (delivery,) = account.client.get(
        f"/api/v1/webhooks/{endpoint['id']}/deliveries").json()["items"]
    assert (delivery["status"], delivery["attempts"]) == ("succeeded", 2)

    item.get_by_role("button", name=f"Delete endpoint {receiver.url}/hook").click()
    item.get_by_role("button", name="Delete endpoint", exact=True).click()
    expect(item).to_have_count(0)
    assert account.client.get("/api/v1/webhooks").json() == []
