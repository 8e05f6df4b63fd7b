"""Idempotency keys and per-plan quotas on submits, against the running API."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.support.fixtures import Account
from tests.support.jobs import upload_images


def _submit(client: httpx.Client, images: list[str], key: str | None,
            **fields: object) -> httpx.Response:
    headers = {"Idempotency-Key": key} if key else {}
    body = {"asset_ids": images, "transition": "none", "resolution": "1080x1080",
            "seconds_per_image": 0.5, **fields}
    return client.post("/api/v1/tasks/submit/video", json=body, headers=headers)


def _job_count(account: Account) -> int:
    return len(account.client.get("/api/v1/tasks", params={"limit": 100}).json()["items"])


def test_same_key_and_body_returns_the_first_job(account: Account) -> None:
    images = upload_images(account, 1)
    first = _submit(account.client, images, "order-1")
    again = _submit(account.client, images, "order-1")
    assert first.status_code == 202 and again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other = _submit(account.client, images, "order-1", priority=9)
    assert other.status_code == 409
    assert other.json()["error"]["field"] == "Idempotency-Key"
    assert _job_count(account) == 1


def test_keys_are_per_user(make_account: Callable[..., Account]) -> None:
    one, two = make_account(), make_account()
    first = _submit(one.client, upload_images(one, 1), "shared-key")
    second = _submit(two.client, upload_images(two, 1), "shared-key")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] != second.json()["id"]


def test_concurrent_duplicates_create_one_job(account: Account) -> None:
    images = upload_images(account, 1)
    clients = [httpx.Client(base_url=str(account.client.base_url),
                            headers=dict(account.client.headers), timeout=30) for _ in range(12)]
    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(lambda c: _submit(c, images, "burst-1"), clients))
    for client in clients:
        client.close()
    assert sorted(a.status_code for a in answers) == [200] * 11 + [202]
    assert len({a.json()["id"] for a in answers}) == 1
    assert _job_count(account) == 1


def test_failed_submit_does_not_burn_the_key(account: Account) -> None:
    images = upload_images(account, 1)
    bad = _submit(account.client, images, "retry-me", asset_ids=["00000000-0000-0000-0000-"
                                                                "000000000000"])
    assert bad.status_code == 404
    good = _submit(account.client, images, "retry-me")
    assert good.status_code == 202


def test_free_plan_allows_five_videos_an_hour(make_account: Callable[..., Account]) -> None:
    free = make_account(plan="free")
    images = upload_images(free, 1)
    answers = [_submit(free.client, images, None) for _ in range(6)]
    assert [a.status_code for a in answers] == [202] * 5 + [429]
    limited = answers[-1]
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 3000 < int(limited.headers["Retry-After"]) <= 3600
    replay = _submit(free.client, images, None)
    assert replay.status_code == 429


def test_a_retry_counts_as_a_submit(make_account: Callable[..., Account]) -> None:
    """Cancel-then-retry must not yield renders beyond the plan: each retry is a submit."""
    free = make_account(plan="free")
    images = upload_images(free, 1)
    first = _submit(free.client, images, None).json()["id"]
    assert [_submit(free.client, images, None).status_code for _ in range(3)] == [202] * 3
    assert free.client.delete(f"/api/v1/tasks/{first}").status_code == 200
    assert free.client.post(f"/api/v1/tasks/{first}/retry").status_code == 202  # the 5th
    assert free.client.delete(f"/api/v1/tasks/{first}").status_code == 200
    again = free.client.post(f"/api/v1/tasks/{first}/retry")
    assert again.status_code == 429, again.text
    assert "5 video submits per hour" in again.json()["error"]["message"]
    assert int(again.headers["Retry-After"]) > 3000
    assert _submit(free.client, images, None).status_code == 429


def test_an_admin_moves_an_account_to_another_plan(make_account: Callable[..., Account],
                                                   admin_account: Account) -> None:
    """Plans are assigned through the API; the operator's own plan has room to work."""
    free = make_account(plan="free")
    images = upload_images(free, 1)
    assert [_submit(free.client, images, None).status_code for _ in range(6)][-1] == 429
    plans = admin_account.client.get("/api/v1/admin/plans")
    assert plans.status_code == 200, plans.text
    limits = {p["name"]: p for p in plans.json()}
    assert {"free", "pro", "admin"} <= limits.keys()
    assert limits["admin"]["submits_per_hour"]["video"] > limits["pro"]["submits_per_hour"][
        "video"] > limits["free"]["submits_per_hour"]["video"] == 5
    url = f"/api/v1/admin/users/{free.user_id}/plan"
    assert free.client.put(url, json={"plan": "admin"}).status_code == 403  # not their own
    unknown = admin_account.client.put(url, json={"plan": "platinum"})
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "plan"
    moved = admin_account.client.put(url, json={"plan": "pro"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["plan"] == "pro" and moved.json()["id"] == free.user_id
    assert _submit(free.client, images, None).status_code == 202  # the sixth, now on pro
    missing = admin_account.client.put(
        "/api/v1/admin/users/00000000-0000-0000-0000-000000000000/plan", json={"plan": "pro"})
    assert missing.status_code == 404
