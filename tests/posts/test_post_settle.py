"""A post follows its job's end: a job that went dead (its retries spent on a platform
that stayed down) leaves the post `failed` with the job's error, not `uploading` for
ever; the same job's requeue takes the post again, another job cannot."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from tests.support.fixtures import Account
from tests.support.posts import insert_account, insert_reel_job, write

ERROR = {"code": "transient_error", "message": "youtube answered 503 until the deadline"}


def test_a_dead_job_fails_its_post_and_only_that_job_takes_it_again(
        account: Account, client_for: Callable[[Account], httpx.Client]) -> None:
    from app.models import Job, SocialPost
    from app.services.workers import post_rows

    client = client_for(account)
    reel, yt = insert_reel_job(account.user_id), insert_account(account.user_id)
    answer = client.post("/api/v1/tasks/submit/social", json={
        "job_id": reel, "account_ids": [yt],
        "publish_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()})
    assert answer.status_code == 202, answer.text
    post_id = uuid.UUID(answer.json()["posts"][0]["id"])
    # the post's job ran, uploaded part of the file, and went dead
    publish_job = uuid.UUID(insert_reel_job(account.user_id, state="dead"))
    write(update(Job).where(Job.id == publish_job).values(error=ERROR),
           update(SocialPost).where(SocialPost.id == post_id).values(
               state="uploading", job_id=publish_job))

    post_rows.settle_after_job(publish_job)
    read = client.get(f"/api/v1/social/posts/{post_id}").json()
    assert read["state"] == "failed", read
    assert (read["error"]["code"], read["error"]["message"]) == (ERROR["code"],
                                                                 ERROR["message"])

    assert not post_rows.begin(post_id, uuid.uuid4())  # another job: the post is not its
    assert post_rows.begin(post_id, publish_job)  # the admin's requeue of the same job
    assert client.get(f"/api/v1/social/posts/{post_id}").json()["state"] == "uploading"


def test_a_succeeded_job_leaves_its_post_alone(
        account: Account, client_for: Callable[[Account], httpx.Client]) -> None:
    from app.models import SocialPost
    from app.services.workers import post_rows

    client = client_for(account)
    reel, yt = insert_reel_job(account.user_id), insert_account(account.user_id)
    answer = client.post("/api/v1/tasks/submit/social", json={
        "job_id": reel, "account_ids": [yt],
        "publish_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()})
    post_id = uuid.UUID(answer.json()["posts"][0]["id"])
    publish_job = uuid.UUID(insert_reel_job(account.user_id, state="succeeded"))
    write(update(SocialPost).where(SocialPost.id == post_id).values(
        state="processing", job_id=publish_job))
    post_rows.settle_after_job(publish_job)
    assert client.get(f"/api/v1/social/posts/{post_id}").json()["state"] == "processing"
