"""Posts against a local YouTube: an API and a social worker configured with the local
server as Google's authorization server and the YouTube Data API (tests/publishing), a
default worker with Beat for the scheduled-posts tick, and helpers to connect an account,
render a reel and wait for a post."""

from __future__ import annotations

import base64
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.publishing.fake_instagram import FakeInstagram
from tests.publishing.fake_tiktok import FakeTikTok
from tests.publishing.fake_youtube import FakeYouTube
from tests.support.fixtures import Account, clients_on
from tests.support.media import image_bytes
from tests.support.processes import ApiServer, CeleryWorker

POST_DEADLINE_S = 120.0
KEY_ID = "posts-1"


@pytest.fixture(scope="module")
def youtube() -> Iterator[FakeYouTube]:
    server = FakeYouTube()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tiktok() -> Iterator[FakeTikTok]:
    server = FakeTikTok()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def instagram() -> Iterator[FakeInstagram]:
    server = FakeInstagram()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def posts_env(youtube: FakeYouTube, tiktok: FakeTikTok,
              instagram: FakeInstagram) -> dict[str, str]:
    """The settings every process of these tests shares."""
    platforms = {**youtube.settings(), **tiktok.settings(), **instagram.settings()}
    return {**{k: str(v) for k, v in platforms.items()},
            "TOKEN_KEYS": json.dumps({KEY_ID: base64.b64encode(os.urandom(32)).decode()}),
            "TOKEN_KEY_ID": KEY_ID, "PUBLISH_POLL_INTERVAL_S": "0.2",
            "PUBLISH_BACKOFF_BASE_S": "0.1", "PUBLISH_BACKOFF_CAP_S": "0.5",
            "POST_TICK_INTERVAL_S": "1"}


@pytest.fixture(scope="module")
def posts_api(posts_env: dict[str, str], tmp_root: Path) -> Iterator[ApiServer]:
    server = ApiServer.start(log_dir=tmp_root / "logs", env=posts_env)
    yield server
    server.stop()


def start_social_worker(env: dict[str, str], log_dir: Path) -> CeleryWorker:
    return CeleryWorker.start(name="posts", queues="social", concurrency=1, log_dir=log_dir,
                              env=env)


@pytest.fixture(scope="module")
def posts_worker(posts_env: dict[str, str], tmp_root: Path) -> Iterator[CeleryWorker]:
    worker = start_social_worker(posts_env, tmp_root / "logs")
    yield worker
    worker.stop()


@pytest.fixture(scope="module")
def posts_beat(posts_env: dict[str, str], tmp_root: Path) -> Iterator[CeleryWorker]:
    """A default-queue worker with an embedded Beat (-B): the posts tick every second."""
    worker = CeleryWorker.start(name="posts-beat", queues="default", concurrency=1,
                                log_dir=tmp_root / "logs", env=posts_env,
                                extra=["-B", "-s", str(tmp_root / "posts-beat-schedule")])
    yield worker
    worker.stop()


@pytest.fixture
def client_for(posts_api: ApiServer) -> Iterator[Callable[[Account], httpx.Client]]:
    with clients_on(posts_api) as make:
        yield make


def connect_youtube(client: httpx.Client, platform: str = "youtube") -> dict[str, Any]:
    """Connect through OAuth: the local server plays Google (or TikTok, or Instagram) and
    consents at once."""
    started = client.post(f"/api/v1/social/accounts/{platform}/connect")
    assert started.status_code == 201, started.text
    back = httpx.get(started.json()["authorization_url"], follow_redirects=False)
    assert back.status_code == 302, back.text
    location = urlsplit(back.headers["location"])
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    done = client.get(location.path, params=query)
    assert done.status_code == 200, done.text
    return dict(done.json())


def render_reel(account: Account, seconds: float = 1.0) -> dict[str, Any]:
    """A small slideshow rendered by the session's video worker."""
    images = [account.upload(image_bytes(c, (320, 240)), f"{i}.png", "image").json()["id"]
              for i, c in enumerate([(200, 30, 30), (30, 30, 200)])]
    submitted = account.client.post("/api/v1/tasks/submit/video", json={
        "asset_ids": images, "seconds_per_image": seconds, "transition": "none",
        "resolution": "1080x1920", "fps": 24})
    assert submitted.status_code == 202, submitted.text
    job = account.wait_job(submitted.json()["id"])
    assert job["state"] == "succeeded", job
    return job


def wait_post(client: httpx.Client, post_id: str, states: set[str],
              deadline_s: float = POST_DEADLINE_S) -> dict[str, Any]:
    """Poll the post until its state is one of `states` (the row is the system of record)."""
    end = time.monotonic() + deadline_s
    post: dict[str, Any] = {}
    while time.monotonic() < end:
        post = client.get(f"/api/v1/social/posts/{post_id}").json()
        if post.get("state") in states:
            return post
        time.sleep(0.2)  # polling interval of a bounded wait
    raise AssertionError(f"post {post_id} never reached {states}: {post}")

