"""A reel published to YouTube end to end: connect the account through OAuth (the local
server plays Google), render a reel on the video worker, post it through the social
worker; scheduled a few seconds ahead it waits for Beat's tick and is published once,
while a post cancelled before its time never reaches the platform."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from websockets.sync.client import connect

from tests.posts.conftest import connect_youtube, render_reel, wait_post
from tests.publishing.fake_instagram import FakeInstagram
from tests.publishing.fake_tiktok import FakeTikTok
from tests.publishing.fake_youtube import FakeYouTube
from tests.support.fixtures import Account
from tests.support.processes import ApiServer, CeleryWorker


def _uploads(youtube: FakeYouTube) -> int:
    """Upload sessions the platform opened (each one a video started)."""
    return len(youtube.sessions)


def test_a_post_is_published_with_progress_and_its_url(
        account: Account, client_for: Callable[[Account], httpx.Client],
        youtube: FakeYouTube, posts_api: ApiServer, worker: CeleryWorker,
        posts_worker: CeleryWorker) -> None:
    client = client_for(account)
    connected = connect_youtube(client)
    reel = render_reel(account)
    videos_before, sessions_before = len(youtube.videos), _uploads(youtube)
    with connect(posts_api.ws_url, open_timeout=10,
                 additional_headers={"Authorization": f"Bearer {account.token}"}) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        submitted = client.post("/api/v1/tasks/submit/social", json={
            "job_id": reel["id"], "account_ids": [connected["id"]], "privacy": "public",
            "text": {"youtube": {"title": "Tea at dawn", "hashtags": ["tea"]}}})
        assert submitted.status_code == 202, submitted.text
        [post] = submitted.json()["posts"]
        assert post["job_id"], post  # due now: its job was created with it
        events = []
        while not events or events[-1]["type"] not in {"job.succeeded", "job.failed"}:
            event = json.loads(ws.recv(timeout=120))
            if event.get("job_id") == post["job_id"]:
                events.append(event)
    assert events[-1]["type"] == "job.succeeded", events
    stages = [e.get("stage") for e in events if e["type"] == "job.progress"]
    assert "uploading" in stages and stages[-1] == "published", stages

    done = wait_post(client, post["id"], {"published", "failed"})
    assert done["state"] == "published", done
    assert done["post_url"] == f"https://www.youtube.com/shorts/{done['post_id']}"
    assert done["attempts"] == 1 and done["remote_id"] == done["post_id"]
    assert len(youtube.videos) == videos_before + 1 and _uploads(youtube) == sessions_before + 1
    video = youtube.videos[done["post_id"]]
    assert video["metadata"]["snippet"]["title"] == "Tea at dawn"
    assert video["metadata"]["status"]["privacyStatus"] == "public"
    job = client.get(f"/api/v1/tasks/{post['job_id']}").json()
    assert job["result"]["url"] == done["post_url"]


def test_a_scheduled_post_waits_for_its_time_and_a_cancelled_one_never_posts(
        account: Account, client_for: Callable[[Account], httpx.Client],
        youtube: FakeYouTube, worker: CeleryWorker, posts_worker: CeleryWorker,
        posts_beat: CeleryWorker) -> None:
    client = client_for(account)
    connected = connect_youtube(client)
    kept, dropped = render_reel(account), render_reel(account)
    videos_before, sessions_before = len(youtube.videos), _uploads(youtube)
    publish_at = datetime.now(UTC) + timedelta(seconds=4)
    posts = []
    for reel in (kept, dropped):
        answer = client.post("/api/v1/tasks/submit/social", json={
            "job_id": reel["id"], "account_ids": [connected["id"]],
            "publish_at": publish_at.isoformat()})
        assert answer.status_code == 202, answer.text
        posts.append(answer.json()["posts"][0])
    assert all(p["state"] == "scheduled" and p["job_id"] is None for p in posts)
    cancelled = client.delete(f"/api/v1/social/posts/{posts[1]['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"

    done = wait_post(client, posts[0]["id"], {"published", "failed"})
    assert done["state"] == "published", done
    started = client.get(f"/api/v1/tasks/{done['job_id']}").json()["started_at"]
    assert datetime.fromisoformat(started) >= publish_at  # held until its time
    # the tick that handed the first post on read the second too (same time): still
    # cancelled, never given a job, nothing of it on the platform
    other = client.get(f"/api/v1/social/posts/{posts[1]['id']}").json()
    assert other["state"] == "cancelled" and other["job_id"] is None
    assert other["remote_id"] is None
    assert len(youtube.videos) == videos_before + 1 and _uploads(youtube) == sessions_before + 1


def test_a_revoked_grant_fails_the_post_and_asks_for_a_reconnect(
        account: Account, client_for: Callable[[Account], httpx.Client],
        youtube: FakeYouTube, worker: CeleryWorker, posts_worker: CeleryWorker) -> None:
    client = client_for(account)
    connected = connect_youtube(client)
    reel = render_reel(account)
    sessions_before = _uploads(youtube)
    youtube.authority.revoke()  # the user withdrew access on Google's side
    answer = client.post("/api/v1/tasks/submit/social", json={
        "job_id": reel["id"], "account_ids": [connected["id"]]})
    assert answer.status_code == 202, answer.text
    done = wait_post(client, answer.json()["posts"][0]["id"], {"published", "failed"})
    assert done["state"] == "failed", done
    assert done["error"]["code"] == "needs_reconnect"
    assert "connect the account again" in done["error"]["message"]
    [account_row] = [a for a in client.get("/api/v1/social/accounts").json()
                     if a["id"] == connected["id"]]
    assert account_row["status"] == "needs_reconnect"
    assert _uploads(youtube) == sessions_before
    job = client.get(f"/api/v1/tasks/{done['job_id']}").json()
    assert job["state"] == "failed" and job["error"]["code"] == "needs_reconnect"
    # connecting again makes the account usable; the failed post stays as it was
    assert connect_youtube(client)["status"] == "active"


def test_tiktok_and_instagram_posts_are_published_through_the_same_job(
        account: Account, client_for: Callable[[Account], httpx.Client],
        tiktok: FakeTikTok, instagram: FakeInstagram, worker: CeleryWorker,
        posts_worker: CeleryWorker) -> None:
    """TikTok gets the file in chunks and is polled until PUBLISH_COMPLETE; Instagram
    fetches a presigned URL of the result from the store, then the container is
    published once FINISHED."""
    client = client_for(account)
    accounts = [connect_youtube(client, "tiktok"), connect_youtube(client, "instagram")]
    reel = render_reel(account)
    publishes, containers = len(tiktok.publishes), len(instagram.containers)
    answer = client.post("/api/v1/tasks/submit/social", json={
        "job_id": reel["id"], "account_ids": [a["id"] for a in accounts],
        "text": {"tiktok": {"caption": "Tea at dawn"},
                 "instagram": {"caption": "Tea at dawn", "hashtags": ["tea"]}}})
    assert answer.status_code == 202, answer.text
    for post in answer.json()["posts"]:
        done = wait_post(client, post["id"], {"published", "failed"})
        assert done["state"] == "published", done
        assert done["post_url"], done
    assert len(tiktok.publishes) == publishes + 1
    [publish] = list(tiktok.publishes.values())[publishes:]
    assert publish.status == "PUBLISH_COMPLETE" and len(publish.data) == publish.size
    assert len(instagram.containers) == containers + 1
    [container] = list(instagram.containers.values())[containers:]
    assert container.status_code == "PUBLISHED" and container.sha256 is not None
    assert container.caption == "Tea at dawn #tea"
    assert len(instagram.media) == 1
