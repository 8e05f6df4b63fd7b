"""Post submits count against the plan: each new post's publish job is one `social`
submit. An API whose free plan allows two an hour takes two posts and refuses the third
with the usual 429 (`rate_limited`, Retry-After), writing nothing for the refused
request; a submit answering existing posts counts nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fixtures import Account, registered
from tests.support.posts import insert_account, insert_reel_job
from tests.support.processes import ApiServer

SOCIAL_PER_HOUR = 2
_PLANS = {"free": {"submits_per_hour": {"social": SOCIAL_PER_HOUR, "*": 60},
                   "max_waiting": 20, "max_running": 2, "max_assets": 50,
                   "max_asset_bytes": 10_000_000}}


@pytest.fixture(scope="module")
def small_plan_api(tmp_root: Path) -> Iterator[ApiServer]:
    server = ApiServer.start(log_dir=tmp_root / "logs", env={"PLANS": json.dumps(_PLANS)})
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def user(small_plan_api: ApiServer) -> Iterator[Account]:
    """A fresh account (free plan) on that API."""
    with registered(small_plan_api, "posts") as account:
        yield account


def _posts(user: Account) -> list[dict[str, object]]:
    return list(user.client.get("/api/v1/social/posts").json()["items"])


def test_posts_count_against_the_plan(user: Account) -> None:
    reel = insert_reel_job(user.user_id)
    accounts = [insert_account(user.user_id) for _ in range(SOCIAL_PER_HOUR + 1)]

    # three posts at once is one more than the plan allows: none is written
    over = user.client.post("/api/v1/tasks/submit/social",
                            json={"job_id": reel, "account_ids": accounts})
    assert over.status_code == 429, over.text
    assert over.json()["error"]["code"] == "rate_limited"
    assert "social" in over.json()["error"]["message"]
    assert int(over.headers["Retry-After"]) >= 1
    assert _posts(user) == []

    fits = user.client.post("/api/v1/tasks/submit/social",
                            json={"job_id": reel, "account_ids": accounts[:SOCIAL_PER_HOUR]})
    assert fits.status_code == 202, fits.text
    posted = fits.json()["posts"]
    assert all(p["job_id"] for p in posted)  # due now: each has its job, one submit each

    again = user.client.post("/api/v1/tasks/submit/social",
                             json={"job_id": reel, "account_ids": accounts[:1]})
    assert again.status_code == 202, again.text  # the existing post: nothing new counted
    assert again.json()["posts"][0]["id"] == posted[0]["id"]

    third = user.client.post("/api/v1/tasks/submit/social",
                             json={"job_id": reel, "account_ids": accounts[SOCIAL_PER_HOUR:]})
    assert third.status_code == 429, third.text
    assert {p["id"] for p in _posts(user)} == {p["id"] for p in posted}
