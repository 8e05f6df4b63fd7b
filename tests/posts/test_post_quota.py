"""YouTube quota units per account per day: the processes run with a daily budget of
2,000 units, so one upload (1,600 units and its list calls) fits and a second does not.
The refused post sends nothing to the platform, waits as `scheduled` for midnight Pacific
time with `quota_exhausted`, and the account lists the units the platform counted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.posts.conftest import connect_youtube, render_reel, wait_post
from tests.publishing.fake_youtube import FakeYouTube
from tests.support.fixtures import Account
from tests.support.posts import insert_reel_job
from tests.support.processes import CeleryWorker

DAILY_UNITS = 2000


@pytest.fixture(scope="module")
def posts_env(posts_env: dict[str, str]) -> dict[str, str]:
    return {**posts_env, "YOUTUBE_DAILY_QUOTA_UNITS": str(DAILY_UNITS)}


def _next_pacific_midnight() -> datetime:
    pacific = ZoneInfo("America/Los_Angeles")
    day = datetime.now(pacific).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=pacific).astimezone(UTC)


def _listed(client: httpx.Client, account_id: str) -> dict[str, object]:
    answer = client.get("/api/v1/social/accounts")
    assert answer.status_code == 200, answer.text
    [row] = [a for a in answer.json() if a["id"] == account_id]
    return dict(row)


def test_units_are_counted_per_account_and_a_post_past_the_budget_waits_for_the_reset(
        account: Account, client_for: Callable[[Account], httpx.Client],
        youtube: FakeYouTube, worker: CeleryWorker, posts_worker: CeleryWorker) -> None:
    client = client_for(account)
    connected = connect_youtube(client)
    assert _listed(client, connected["id"])["quota_units_today"] == 0
    units_before, sessions_before = youtube.quota_used, len(youtube.sessions)

    first = client.post("/api/v1/tasks/submit/social", json={
        "job_id": render_reel(account)["id"], "account_ids": [connected["id"]]})
    assert first.status_code == 202, first.text
    done = wait_post(client, first.json()["posts"][0]["id"], {"published", "failed"})
    assert done["state"] == "published", done
    spent = youtube.quota_used - units_before  # what the platform counted for the post
    assert spent > 1600
    listed = _listed(client, connected["id"])
    assert listed["quota_units_today"] == spent and listed["quota_units_daily"] == DAILY_UNITS

    second = client.post("/api/v1/tasks/submit/social", json={
        "job_id": insert_reel_job(account.user_id), "account_ids": [connected["id"]]})
    assert second.status_code == 202, second.text
    [post] = second.json()["posts"]
    job = account.wait_job(post["job_id"])
    assert job["state"] == "succeeded", job
    waiting = client.get(f"/api/v1/social/posts/{post['id']}").json()
    assert waiting["state"] == "scheduled" and waiting["job_id"] is None, waiting
    assert waiting["error"]["code"] == "quota_exhausted", waiting
    assert f"{spent:,} of its {DAILY_UNITS:,}" in waiting["error"]["message"]
    assert datetime.fromisoformat(waiting["publish_at"]) == _next_pacific_midnight()
    # nothing reached the platform, and the refused post took no units
    assert len(youtube.sessions) == sessions_before + 1 and youtube.quota_used == spent + \
        units_before
    assert _listed(client, connected["id"])["quota_units_today"] == spent
