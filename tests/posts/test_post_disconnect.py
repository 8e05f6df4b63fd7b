"""Disconnecting an account keeps its posts: a published post stays listed (with its URL,
`account_id` null), and a post still waiting for its time fails with `account_missing`
when its job runs, without reaching the platform."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

from tests.posts.conftest import connect_youtube, render_reel, wait_post
from tests.publishing.fake_youtube import FakeYouTube
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker


def test_disconnecting_keeps_published_posts_and_fails_waiting_ones(
        account: Account, client_for: Callable[[Account], httpx.Client],
        youtube: FakeYouTube, worker: CeleryWorker, posts_worker: CeleryWorker,
        posts_beat: CeleryWorker) -> None:
    client = client_for(account)
    connected = connect_youtube(client)
    first = client.post("/api/v1/tasks/submit/social", json={
        "job_id": render_reel(account)["id"], "account_ids": [connected["id"]]})
    assert first.status_code == 202, first.text
    published = wait_post(client, first.json()["posts"][0]["id"], {"published", "failed"})
    assert published["state"] == "published", published
    later = client.post("/api/v1/tasks/submit/social", json={
        "job_id": render_reel(account)["id"], "account_ids": [connected["id"]],
        "publish_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat()})
    assert later.status_code == 202, later.text
    [waiting] = later.json()["posts"]
    sessions_before = len(youtube.sessions)

    gone = client.delete(f"/api/v1/social/accounts/{connected['id']}")
    assert gone.status_code == 204, gone.text

    listed = client.get("/api/v1/social/posts").json()["items"]
    by_id = {p["id"]: p for p in listed}
    kept = by_id[published["id"]]
    assert kept["state"] == "published" and kept["account_id"] is None
    assert kept["post_url"] == published["post_url"] and kept["platform"] == "youtube"
    assert by_id[waiting["id"]]["account_id"] is None
    # its time comes: Beat's tick gives it a job, which finds no account
    moved = client.patch(f"/api/v1/social/posts/{waiting['id']}",
                         json={"publish_at": datetime.now(UTC).isoformat()})
    assert moved.status_code == 200, moved.text
    failed = wait_post(client, waiting["id"], {"published", "failed"})
    assert failed["state"] == "failed" and failed["error"]["code"] == "account_missing", failed
    assert "disconnected" in failed["error"]["message"]
    assert len(youtube.sessions) == sessions_before
