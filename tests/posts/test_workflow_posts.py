"""A workflow's publish step posting to connected accounts: a topic -> reel workflow on
real workers (script, voice, render, optimise) whose publish step names a YouTube account
connected through OAuth to the local server; the post is made once, published once, and
its id is on the workflow's result. The submit refuses accounts that are not the caller's
or must be connected again, naming `publish.account_ids`, and a publish step going
nowhere."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.posts.conftest import connect_youtube, wait_post
from tests.publishing.fake_youtube import FakeYouTube
from tests.support.fixtures import Account
from tests.support.posts import insert_account
from tests.support.processes import ApiServer, CeleryWorker
from tests.workflows.conftest import wait_workflow


@pytest.fixture(scope="module")
def posts_content_worker(posts_env: dict[str, str], tmp_root: Path) -> Iterator[CeleryWorker]:
    """Script writing and speech."""
    proc = CeleryWorker.start(name="posts-content", queues="content", concurrency=1,
                              log_dir=tmp_root / "logs", env=posts_env)
    yield proc
    proc.stop()


def _workflow(client: httpx.Client, publish: dict[str, Any]) -> httpx.Response:
    return client.post("/api/v1/tasks/submit/workflow", json={
        "topic": "why tea cools", "duration_s": 12, "seed": 5,
        "video": {"quality": "draft", "captions": "none"}, "platforms": ["youtube"],
        "publish": publish})


def _error(answer: httpx.Response) -> dict[str, Any]:
    return dict(answer.json()["error"])


def test_the_publish_step_posts_to_the_connected_account_once(
        account: Account, client_for: Callable[[Account], httpx.Client],
        youtube: FakeYouTube, posts_api: ApiServer, worker: CeleryWorker,
        posts_worker: CeleryWorker, posts_content_worker: CeleryWorker) -> None:
    client = client_for(account)
    yt = connect_youtube(client)
    videos_before = len(youtube.videos)
    submitted = _workflow(client, {"account_ids": [yt["id"]], "privacy": "unlisted"})
    assert submitted.status_code == 202, submitted.text
    done = wait_workflow(client, submitted.json()["id"])
    assert done["state"] == "succeeded", done["error"]
    assert [s["step"] for s in done["steps"]][-1] == "publish"

    published = done["result"]["published"]
    [post_id] = published["post_ids"]
    assert published["skipped"] == [] and "url" not in published  # no hook asked for
    post = wait_post(client, post_id, {"published", "failed"})
    assert post["state"] == "published", post
    assert post["source_kind"] == "workflow" and post["source_id"] == done["id"]
    assert post["account_id"] == yt["id"] and post["privacy"] == "unlisted"
    content = next(s for s in done["steps"] if s["step"] == "content")["result"]
    assert post["title"] == content["title"][:100]  # the content step's words
    reel = next(s for s in done["steps"] if s["step"] == "optimize:youtube")
    assert post["attempts"] == 1
    assert len(youtube.videos) == videos_before + 1  # published once
    # the post of (workflow, account) is the one a later submit answers: nothing new
    again = client.post("/api/v1/tasks/submit/social",
                        json={"workflow_id": done["id"], "account_ids": [yt["id"]]})
    assert again.status_code == 202, again.text
    assert [p["id"] for p in again.json()["posts"]] == [post_id]
    listed = client.get("/api/v1/social/posts", params={"account_id": yt["id"]}).json()
    assert [p["id"] for p in listed["items"]] == [post_id]
    assert _output_key(post_id) == _step_key(reel["job_id"])  # the reel made for YouTube

    # the submit's OpenAPI entry names the accounts' refusals
    entry = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/tasks/submit/workflow"]
    assert "publish.account_ids" in entry["post"]["responses"]["404"]["description"]
    assert "account_needs_reconnect" in entry["post"]["responses"]["409"]["description"]


def _output_key(post_id: str) -> str | None:
    from app.models import SocialPost

    return _read(SocialPost.output_key, SocialPost.id == uuid.UUID(post_id))


def _step_key(job_id: str) -> str | None:
    from app.models import Job

    return _read(Job.output_key, Job.id == uuid.UUID(job_id))


def _read(column: Any, where: Any) -> str | None:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from app.core.config import settings

    engine = create_engine(settings.database.sync_url)
    try:
        with Session(engine) as db:
            return db.scalar(select(column).where(where))
    finally:
        engine.dispose()


def test_a_later_publish_at_leaves_the_workflows_post_scheduled(
        account: Account, client_for: Callable[[Account], httpx.Client],
        posts_api: ApiServer, worker: CeleryWorker, posts_worker: CeleryWorker,
        posts_content_worker: CeleryWorker) -> None:
    client = client_for(account)
    yt = insert_account(account.user_id)
    later = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    submitted = _workflow(client, {"account_ids": [yt], "publish_at": later.isoformat()})
    assert submitted.status_code == 202, submitted.text
    done = wait_workflow(client, submitted.json()["id"])
    assert done["state"] == "succeeded", done["error"]
    [post_id] = done["result"]["published"]["post_ids"]
    post = client.get(f"/api/v1/social/posts/{post_id}").json()
    assert post["state"] == "scheduled" and post["job_id"] is None, post  # the tick's
    assert datetime.fromisoformat(post["publish_at"]) == later


def test_the_publish_step_refuses_accounts_it_cannot_post_to(
        account: Account, make_account: Callable[[], Account],
        client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    nowhere = _workflow(client, {})
    assert nowhere.status_code == 422 and "publish" in nowhere.text, nowhere.text

    others = insert_account(make_account().user_id)
    for unknown in (others, str(uuid.uuid4())):
        refused = _workflow(client, {"account_ids": [unknown]})
        assert refused.status_code == 404, refused.text
        assert _error(refused)["field"] == "publish.account_ids"

    stale = insert_account(account.user_id, status="needs_reconnect")
    refused = _workflow(client, {"account_ids": [stale]})
    assert refused.status_code == 409, refused.text
    assert _error(refused)["code"] == "account_needs_reconnect"
    assert _error(refused)["field"] == "publish.account_ids"

    naive = _workflow(client, {"account_ids": [insert_account(account.user_id)],
                               "publish_at": "2030-01-01T10:00:00"})
    assert naive.status_code == 422 and "publish_at" in naive.text, naive.text
