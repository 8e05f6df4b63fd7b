"""A workflow's publish step posting its reel to connected accounts (the worker's side,
synchronous): one post per (workflow, account) with the rows, defaults and uniqueness of
the post submit (posts.row_values, posts.insert_post, sources.workflow_source), each due
post given its publish job in the same transaction (as the tick does), a later one left
`scheduled` for the tick. A retried step finds its posts and makes no second job."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.core.db import sync_session
from app.models import AccountStatus, Job, SocialAccount, SocialPost, User, Workflow
from app.schemas.social_post import PostText
from app.services.social_posts.due import announce_jobs, post_job
from app.services.social_posts.posts import insert_post, row_values
from app.services.social_posts.sources import workflow_source


def post_workflow(*, workflow_id: uuid.UUID, account_ids: list[str], privacy: str,
                  publish_at: datetime | None) -> dict[str, Any]:
    """The workflow's posts (ids in the order asked) and the accounts skipped because they
    were disconnected or must be connected again since the submit."""
    now = datetime.now(UTC)
    when = max(publish_at or now, now)
    post_ids: list[str] = []
    skipped: list[dict[str, str]] = []
    jobs: list[Job] = []
    with sync_session() as session:
        workflow = session.get(Workflow, workflow_id)
        user = session.get(User, workflow.user_id) if workflow is not None else None
        if workflow is None or user is None:
            return {"post_ids": [], "skipped": []}
        rows = list(session.scalars(select(Job).where(Job.workflow_id == workflow.id)))
        for raw in account_ids:
            account = session.get(SocialAccount, uuid.UUID(raw))
            if account is None or account.user_id != user.id:
                skipped.append({"account_id": raw, "reason": "account_missing"})
                continue
            if account.status != AccountStatus.ACTIVE.value:
                skipped.append({"account_id": raw, "reason": "account_needs_reconnect"})
                continue
            source = workflow_source(workflow, rows, account.platform)
            new_id = session.scalar(insert_post(row_values(
                user.id, account, source, PostText(), privacy, when)))
            post = session.scalar(select(SocialPost).where(
                SocialPost.source_id == source.id, SocialPost.account_id == account.id))
            assert post is not None  # inserted just now, or by an earlier attempt
            if new_id is not None and when <= now:
                job = post_job(user, post, now)
                session.add(job)
                session.flush()
                post.job_id = job.id
                jobs.append(job)
            post_ids.append(str(post.id))
        session.commit()
    if jobs:
        announce_jobs(jobs)
    return {"post_ids": post_ids, "skipped": skipped}
