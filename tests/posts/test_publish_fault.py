"""Exactly one video after a crash: the social worker is killed (SIGKILL, the whole
process group) after YouTube accepted the last byte and before the post recorded
success. The local server holds its answer to that last chunk until the worker is dead.
A new worker takes the job over, asks the recorded upload session what it holds, finds
the finished video, and the post is `published` with the one video the platform has."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.models import SocialPost
from tests.posts.conftest import (
    POST_DEADLINE_S,
    connect_youtube,
    render_reel,
    start_social_worker,
    wait_post,
)
from tests.publishing.fake_server import Answer, Call
from tests.publishing.fake_youtube import UPLOAD, FakeYouTube
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker


def _hold_the_last_answer(youtube: FakeYouTube) -> tuple[threading.Event, threading.Event]:
    """Make the server keep the last chunk (the video exists) but answer only once
    `release` is set; `took_it` is set when it has the whole file."""
    took_it, release = threading.Event(), threading.Event()
    routes = youtube.routes
    index = next(i for i, (method, rx, _) in enumerate(routes)
                 if method == "PUT" and rx.pattern == f"^{UPLOAD}$")
    method, rx, original = routes[index]

    def held(call: Call) -> Answer:
        answer = original(call)
        if answer.status in (200, 201) and not took_it.is_set():
            took_it.set()
            release.wait(POST_DEADLINE_S)
        return answer

    routes[index] = (method, rx, held)
    return took_it, release


def _row(post_id: str) -> SocialPost:
    engine = create_engine(settings.database.sync_url)
    try:
        with Session(engine) as db:
            row = db.scalar(select(SocialPost).where(SocialPost.id == uuid.UUID(post_id)))
            assert row is not None
            db.expunge(row)
            return row
    finally:
        engine.dispose()


def _kill(worker: CeleryWorker) -> None:
    os.killpg(worker.proc.pid, signal.SIGKILL)
    worker.proc.wait(10)


def test_a_worker_killed_after_the_platform_took_the_upload_posts_once(
        account: Account, admin_account: Account,
        client_for: Callable[[Account], httpx.Client], youtube: FakeYouTube,
        posts_env: dict[str, str], worker: CeleryWorker, tmp_root: Path) -> None:
    client = client_for(account)
    connected = connect_youtube(client)
    reel = render_reel(account)
    videos_before, sessions_before = len(youtube.videos), len(youtube.seen("POST", UPLOAD))
    took_it, release = _hold_the_last_answer(youtube)
    first = start_social_worker(posts_env, tmp_root / "logs")
    second: CeleryWorker | None = None
    try:
        answer = client.post("/api/v1/tasks/submit/social", json={
            "job_id": reel["id"], "account_ids": [connected["id"]]})
        assert answer.status_code == 202, answer.text
        [post] = answer.json()["posts"]
        assert took_it.wait(POST_DEADLINE_S), "the upload never finished"
        # the session was recorded before any byte was sent; success is not recorded yet
        row = _row(post["id"])
        assert row.upload_url and row.upload_url.startswith(youtube.url)
        assert row.state == "uploading" and row.post_id is None
        _kill(first)
        release.set()
        assert len(youtube.videos) == videos_before + 1  # the platform has the video

        second = start_social_worker(posts_env, tmp_root / "logs")
        # the job still says started; a cleanup pass requeues it once its heartbeat is stale
        end = time.monotonic() + POST_DEADLINE_S
        requeued: list[str] = []
        while post["job_id"] not in requeued and time.monotonic() < end:
            requeued = admin_account.client.post("/api/v1/admin/cleanup", json={
                "stale_after_s": 4}).json().get("requeued", [])
            time.sleep(0.5)  # polling interval: each call is a real cleanup pass
        assert post["job_id"] in requeued

        done = wait_post(client, post["id"], {"published", "failed"})
        assert done["state"] == "published", done
        assert done["attempts"] == 2 and done["post_url"].endswith(done["post_id"])
        # one video, one upload session: the second attempt asked before starting
        assert len(youtube.videos) == videos_before + 1
        assert len(youtube.seen("POST", UPLOAD)) == sessions_before + 1
        assert done["post_id"] in youtube.videos
    finally:
        release.set()
        for proc in (first, second):
            if proc is not None:
                proc.stop()
