"""Posts through the API without a platform call: one row per (reel, account), defaults
from the reel (its attribution closes the description and caption), a second submit
answering the existing post, listing with filters and cursors, cancel and move of a
scheduled post, clear errors for bad input, and others' posts read as missing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.support.fixtures import Account
from tests.support.posts import insert_account, insert_reel_job, insert_workflow

CREDIT = "Music: Dawn by A. Player (CC BY 4.0)"


def _later(hours: float = 24) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def _submit(client: httpx.Client, **body: Any) -> httpx.Response:
    return client.post("/api/v1/tasks/submit/social", json=body)


def _error(answer: httpx.Response) -> dict[str, Any]:
    return dict(answer.json()["error"])


def test_one_post_per_reel_and_account_with_the_reels_credit(
        account: Account, client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    job, yt = insert_reel_job(account.user_id), insert_account(account.user_id)
    publish_at = _later()
    first = _submit(client, job_id=job, account_ids=[yt], publish_at=publish_at,
                    privacy="unlisted",
                    text={"youtube": {"title": "Tea at dawn", "description": "Steeped",
                                      "hashtags": ["#tea", "morning"]}})
    assert first.status_code == 202, first.text
    [post] = first.json()["posts"]
    assert post["state"] == "scheduled" and post["job_id"] is None
    assert post["platform"] == "youtube" and post["privacy"] == "unlisted"
    assert post["title"] == "Tea at dawn" and post["hashtags"] == ["tea", "morning"]
    assert post["description"] == f"Steeped\n\n{CREDIT}" and post["caption"].endswith(CREDIT)
    assert post["source_kind"] == "job" and post["source_id"] == job
    assert datetime.fromisoformat(post["publish_at"]) == datetime.fromisoformat(publish_at)
    assert "upload_url" not in post

    again = _submit(client, job_id=job, account_ids=[yt], publish_at=_later(48))
    assert again.status_code == 202, again.text
    assert again.json()["posts"][0]["id"] == post["id"]  # the existing post, unchanged
    assert again.json()["posts"][0]["publish_at"] == post["publish_at"]
    listed = client.get("/api/v1/social/posts", params={"account_id": yt}).json()
    assert [p["id"] for p in listed["items"]] == [post["id"]]


def test_list_filters_and_pages(account: Account,
                                client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    job = insert_reel_job(account.user_id)
    accounts = [insert_account(account.user_id) for _ in range(3)]
    posted = _submit(client, job_id=job, account_ids=accounts, publish_at=_later())
    assert posted.status_code == 202, posted.text
    ids = {p["id"] for p in posted.json()["posts"]}
    assert len(ids) == 3
    first = client.get("/api/v1/social/posts", params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get("/api/v1/social/posts",
                      params={"limit": 2, "cursor": first["next_cursor"]}).json()
    assert {p["id"] for p in first["items"] + rest["items"]} == ids
    assert rest["next_cursor"] is None
    assert client.get("/api/v1/social/posts",
                      params={"state": "published"}).json()["items"] == []
    assert len(client.get("/api/v1/social/posts",
                          params={"state": "scheduled"}).json()["items"]) == 3
    bad = client.get("/api/v1/social/posts", params={"state": "lost"})
    assert bad.status_code == 422
    bad_cursor = client.get("/api/v1/social/posts", params={"cursor": "nope"})
    assert bad_cursor.status_code == 422 and _error(bad_cursor)["field"] == "cursor"


def test_cancel_and_move_a_scheduled_post(account: Account,
                                          client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    job, yt = insert_reel_job(account.user_id), insert_account(account.user_id)
    [post] = _submit(client, job_id=job, account_ids=[yt], publish_at=_later()).json()["posts"]
    url = f"/api/v1/social/posts/{post['id']}"
    moved_to = _later(72)
    moved = client.patch(url, json={"publish_at": moved_to})
    assert moved.status_code == 200, moved.text
    assert datetime.fromisoformat(moved.json()["publish_at"]) == \
        datetime.fromisoformat(moved_to)
    naive = client.patch(url, json={"publish_at": "2030-01-01T10:00:00"})
    assert naive.status_code == 422 and "publish_at" in naive.text
    cancelled = client.delete(url)
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    again = client.delete(url)
    assert again.status_code == 409 and _error(again)["code"] == "post_not_cancellable"
    late_move = client.patch(url, json={"publish_at": _later()})
    assert late_move.status_code == 409 and _error(late_move)["code"] == "post_not_movable"
    assert client.get(url).json()["state"] == "cancelled"


def test_bad_submits_are_refused_naming_the_field(
        make_account: Callable[[], Account],
        client_for: Callable[[Account], httpx.Client]) -> None:
    owner, other = make_account(), make_account()
    client, other_client = client_for(owner), client_for(other)
    job, yt = insert_reel_job(owner.user_id), insert_account(owner.user_id)
    running = insert_reel_job(owner.user_id, state="started")
    stale = insert_account(owner.user_id, status="needs_reconnect")

    both = _submit(client, job_id=job, workflow_id=job, account_ids=[yt])
    assert both.status_code == 422 and "job_id" in both.text
    none = _submit(client, job_id=job, account_ids=[])
    assert none.status_code == 422 and "account_ids" in none.text
    twice = _submit(client, job_id=job, account_ids=[yt, yt])
    assert twice.status_code == 422 and "account_ids" in twice.text
    naive = _submit(client, job_id=job, account_ids=[yt], publish_at="2030-01-01T10:00:00")
    assert naive.status_code == 422 and "publish_at" in naive.text
    privacy = _submit(client, job_id=job, account_ids=[yt], privacy="everyone")
    assert privacy.status_code == 422 and "privacy" in privacy.text

    unfinished = _submit(client, job_id=running, account_ids=[yt], publish_at=_later())
    assert unfinished.status_code == 409
    assert _error(unfinished)["code"] == "source_not_ready"
    assert _error(unfinished)["field"] == "job_id"
    reconnect = _submit(client, job_id=job, account_ids=[stale], publish_at=_later())
    assert reconnect.status_code == 409
    assert _error(reconnect)["code"] == "account_needs_reconnect"

    foreign_job = _submit(other_client, job_id=job, account_ids=[insert_account(
        other.user_id)], publish_at=_later())
    assert foreign_job.status_code == 404 and _error(foreign_job)["field"] == "job_id"
    foreign_account = _submit(client, job_id=job, account_ids=[insert_account(
        other.user_id)], publish_at=_later())
    assert foreign_account.status_code == 404
    assert _error(foreign_account)["field"] == "account_ids"  # the body's field
    no_workflow = _submit(client, workflow_id=job, account_ids=[yt], publish_at=_later())
    assert no_workflow.status_code == 404 and _error(no_workflow)["field"] == "workflow_id"

    [post] = _submit(client, job_id=job, account_ids=[yt], publish_at=_later()).json()["posts"]
    url = f"/api/v1/social/posts/{post['id']}"
    assert other_client.get(url).status_code == 404
    assert other_client.delete(url).status_code == 404
    assert other_client.patch(url, json={"publish_at": _later()}).status_code == 404
    assert other_client.get("/api/v1/social/posts").json()["items"] == []
    assert client.get(url).json()["state"] == "scheduled"


def test_openapi_documents_the_post_routes(client_for: Callable[[Account], httpx.Client],
                                           account: Account) -> None:
    spec = client_for(account).get("/api/v1/openapi.json").json()
    for path, method in (("/api/v1/tasks/submit/social", "post"),
                         ("/api/v1/social/posts", "get"),
                         ("/api/v1/social/posts/{post_id}", "get"),
                         ("/api/v1/social/posts/{post_id}", "delete"),
                         ("/api/v1/social/posts/{post_id}", "patch")):
        operation = spec["paths"][path][method]
        assert operation["summary"] and operation["tags"] == ["social posts"]
        success = next(c for c in operation["responses"] if c.startswith("2"))
        assert "$ref" in str(operation["responses"][success]), (path, method)
        if "{post_id}" in path:
            assert "404" in operation["responses"], (path, method)


def test_the_tick_hands_a_due_post_on_once_however_many_ticks_run(
        account: Account, client_for: Callable[[Account], httpx.Client]) -> None:
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from app.core.config import settings
    from app.models import Job
    from app.services.social_posts.due import enqueue_due

    client = client_for(account)
    job, yt = insert_reel_job(account.user_id), insert_account(account.user_id)
    [post] = _submit(client, job_id=job, account_ids=[yt],
                     publish_at=_later(1)).json()["posts"]
    assert enqueue_due(now=datetime.now(UTC), limit=50) >= 0  # not due yet
    assert client.get(f"/api/v1/social/posts/{post['id']}").json()["job_id"] is None

    at = datetime.now(UTC) + timedelta(hours=2)
    with ThreadPoolExecutor(4) as pool:  # four ticks at once, as two beats and redeliveries
        handed = list(pool.map(lambda _: enqueue_due(now=at, limit=50), range(4)))
    later = enqueue_due(now=at + timedelta(minutes=1), limit=50)  # a restart's next tick
    engine = create_engine(settings.database.sync_url)
    with Session(engine) as db:
        jobs = db.scalar(select(func.count()).select_from(Job).where(
            Job.params["post_id"].astext == post["id"]))
    engine.dispose()
    assert jobs == 1 and sum(handed) >= 1 and later >= 0
    read = client.get(f"/api/v1/social/posts/{post['id']}").json()
    assert read["job_id"] is not None and read["state"] == "scheduled"
    moved = client.patch(f"/api/v1/social/posts/{post['id']}", json={"publish_at": _later()})
    assert moved.status_code == 409  # handed to its job: too late to move
    assert client.delete(f"/api/v1/social/posts/{post['id']}").json()["state"] == "cancelled"
    # its job goes with it (no worker here takes the social queue)
    assert client.get(f"/api/v1/tasks/{read['job_id']}").json()["state"] == "cancelled"


def test_a_workflows_post_takes_the_reel_made_for_its_platform(
        account: Account, client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    credit = "Photo: Leaf by B. Shooter (CC BY 4.0)"
    workflow = insert_workflow(account.user_id, optimised_for="youtube")
    yt, tt = insert_account(account.user_id), insert_account(account.user_id, "tiktok")
    answer = _submit(client, workflow_id=workflow, account_ids=[yt, tt], publish_at=_later())
    assert answer.status_code == 202, answer.text
    youtube_post, tiktok_post = answer.json()["posts"]
    assert youtube_post["source_kind"] == "workflow" and youtube_post["source_id"] == workflow
    assert youtube_post["title"] == "Green tea, three ways"
    assert youtube_post["description"] == f"Three cups before nine.\n\n{credit}"
    assert youtube_post["hashtags"] == ["tea", "greentea"]
    assert youtube_post["caption"].count(credit) == 1  # the optimise caption had it already
    # TikTok had no optimise step: its post takes the render, the title and the credit
    assert tiktok_post["caption"] == f"Green tea, three ways\n\n{credit}"
    keys = _output_keys([youtube_post["id"], tiktok_post["id"]])
    assert keys[youtube_post["id"]].endswith("optimize-youtube.mp4")
    assert keys[tiktok_post["id"]].endswith("render.mp4")


def _output_keys(post_ids: list[str]) -> dict[str, str]:
    from sqlalchemy import create_engine, select
    from sqlalchemy.orm import Session

    from app.core.config import settings
    from app.models import SocialPost

    engine = create_engine(settings.database.sync_url)
    with Session(engine) as db:
        rows = db.execute(select(SocialPost.id, SocialPost.output_key).where(
            SocialPost.id.in_([uuid.UUID(i) for i in post_ids]))).all()
    engine.dispose()
    return {str(r.id): r.output_key for r in rows}
