"""A post follows its job when the job is cancelled from outside the post: through
`DELETE /api/v1/tasks/{job_id}`, or by deleting the project with `cancel=true`, the
unfinished post becomes `cancelled` (before, it stayed `scheduled` with a job that would
never run)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from tests.support.fixtures import Account
from tests.support.posts import insert_account, insert_reel_job, write


def _post_with_pending_job(client: httpx.Client, account: Account,
                           project_id: str | None = None) -> tuple[str, str]:
    """A post handed to its publish job (as the tick or a due submit does), the job
    `pending` so that no worker can take it while the test cancels it."""
    from app.models import Job, SocialPost

    reel, yt = insert_reel_job(account.user_id), insert_account(account.user_id)
    answer = client.post("/api/v1/tasks/submit/social", json={
        "job_id": reel, "account_ids": [yt],
        "publish_at": (datetime.now(UTC) + timedelta(days=1)).isoformat()})
    assert answer.status_code == 202, answer.text
    post_id = answer.json()["posts"][0]["id"]
    job_id = insert_reel_job(account.user_id, state="pending")
    project = uuid.UUID(project_id) if project_id else None
    write(update(Job).where(Job.id == uuid.UUID(job_id)).values(
               kind="social", task_name="social.post", queue="social",
               params={"post_id": post_id}, project_id=project, output_key=None),
           update(SocialPost).where(SocialPost.id == uuid.UUID(post_id)).values(
               job_id=uuid.UUID(job_id), project_id=project))
    return post_id, job_id


def test_cancelling_the_job_cancels_its_post(
        account: Account, client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    post_id, job_id = _post_with_pending_job(client, account)
    assert client.get(f"/api/v1/social/posts/{post_id}").json()["state"] == "scheduled"

    cancelled = client.delete(f"/api/v1/tasks/{job_id}")
    assert cancelled.status_code == 200, cancelled.text
    post = client.get(f"/api/v1/social/posts/{post_id}").json()
    assert post["state"] == "cancelled" and post["job_id"] == job_id, post
    # and the other way round: cancelling the post cancels its job
    other, other_job = _post_with_pending_job(client, account)
    assert client.delete(f"/api/v1/social/posts/{other}").json()["state"] == "cancelled"
    assert client.get(f"/api/v1/tasks/{other_job}").json()["state"] == "cancelled"


def test_deleting_the_project_cancels_its_posts(
        account: Account, client_for: Callable[[Account], httpx.Client]) -> None:
    client = client_for(account)
    project = client.post("/api/v1/projects", json={"name": f"p-{uuid.uuid4().hex[:8]}"})
    assert project.status_code == 201, project.text
    post_id, job_id = _post_with_pending_job(client, account, project.json()["id"])

    busy = client.delete(f"/api/v1/projects/{project.json()['id']}")
    assert busy.status_code == 409, busy.text
    assert client.get(f"/api/v1/social/posts/{post_id}").json()["state"] == "scheduled"
    deleted = client.delete(f"/api/v1/projects/{project.json()['id']}",
                            params={"cancel": "true"})
    assert deleted.status_code == 200, deleted.text
    assert job_id in [str(j) for j in deleted.json()["cancelled_jobs"]], deleted.json()
    assert client.get(f"/api/v1/social/posts/{post_id}").json()["state"] == "cancelled"
