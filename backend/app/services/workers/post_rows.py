"""The publish job's writes to its post row, each one committed at once: a crash after
any of them leaves the row saying what the platform holds (services/workers/social_post)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update

from app.core.db import sync_session
from app.models import AccountStatus, Job, JobState, PostState, SocialAccount, SocialPost
from app.models.base import utcnow
from app.publishing.base import PostStatus, Tokens, Upload
from app.services.social_accounts.tokens import seal_tokens

LIVE = (PostState.SCHEDULED.value, PostState.UPLOADING.value, PostState.PROCESSING.value)
REASON_MAX_CHARS = 500


def load(post_id: uuid.UUID) -> SocialPost | None:
    with sync_session() as session:
        post = session.get(SocialPost, post_id)
        if post is not None:
            session.expunge(post)
        return post


def load_account(account_id: uuid.UUID) -> SocialAccount | None:
    with sync_session() as session:
        account = session.get(SocialAccount, account_id)
        if account is not None:
            session.expunge(account)
        return account


def begin(post_id: uuid.UUID, job_id: uuid.UUID) -> bool:
    """Take the post for this attempt: scheduled (or left uploading/processing by a lost
    attempt) becomes uploading, and so does a post its own job failed (a retry or an
    admin's requeue of that job tries again); False when it was cancelled, published, or
    failed under another job."""
    with sync_session() as session:
        again = (SocialPost.state == PostState.FAILED.value) & (SocialPost.job_id == job_id)
        taken = session.scalar(update(SocialPost).where(
            SocialPost.id == post_id, SocialPost.state.in_(LIVE) | again).values(
            state=PostState.UPLOADING.value, attempts=SocialPost.attempts + 1,
            updated_at=utcnow()).returning(SocialPost.id))
        session.commit()
        return taken is not None


def record_upload(post_id: uuid.UUID, upload: Upload, *, state: PostState) -> None:
    """What the platform returned: written before the next call to it."""
    with sync_session() as session:
        session.execute(update(SocialPost).where(
            SocialPost.id == post_id, SocialPost.state.in_(LIVE)).values(
            upload_url=upload.upload_url, remote_id=upload.remote_id, remote=upload.extra,
            total_bytes=upload.total_bytes, state=state.value, updated_at=utcnow()))
        session.commit()


def forget_upload(post_id: uuid.UUID) -> None:
    """The platform forgot the session: the next start opens a new one."""
    with sync_session() as session:
        session.execute(update(SocialPost).where(SocialPost.id == post_id).values(
            upload_url=None, remote_id=None, remote={}, updated_at=utcnow()))
        session.commit()


def published(post_id: uuid.UUID, status: PostStatus) -> None:
    with sync_session() as session:
        session.execute(update(SocialPost).where(SocialPost.id == post_id).values(
            state=PostState.PUBLISHED.value, post_id=status.remote_id, post_url=status.url,
            error=None, published_at=datetime.now(UTC), updated_at=utcnow()))
        session.commit()


def failed(post_id: uuid.UUID, code: str, message: str) -> None:
    with sync_session() as session:
        session.execute(update(SocialPost).where(
            SocialPost.id == post_id, SocialPost.state.in_(LIVE)).values(
            state=PostState.FAILED.value, updated_at=utcnow(),
            error={"code": code, "message": message, "at": datetime.now(UTC).isoformat()}))
        session.commit()


def settle_after_job(job_id: uuid.UUID) -> None:
    """After the post's job ended: a job that failed or went dead (retries spent on a
    platform that stayed down, a lost worker) leaves its post `failed` with the job's
    error, never `uploading` for ever. A published post is left alone."""
    with sync_session() as session:
        job = session.get(Job, job_id)
        if job is None or job.state not in (JobState.FAILED.value, JobState.DEAD.value):
            return
        error = job.error or {"code": f"job_{job.state}", "message": f"the job {job.state}"}
        session.execute(update(SocialPost).where(
            SocialPost.job_id == job_id, SocialPost.state.in_(LIVE)).values(
            state=PostState.FAILED.value, updated_at=utcnow(),
            error={"code": error.get("code"), "message": error.get("message"),
                   "at": datetime.now(UTC).isoformat()}))
        session.commit()


def wait_for_quota(post_id: uuid.UUID, job_id: uuid.UUID, until: datetime, message: str) -> None:
    """The account's daily units are spent: the post goes back to `scheduled`, due at the
    quota's reset and without a job, so Beat's tick hands it to a new job then (a job
    retry hours later would outlive the broker's visibility timeout)."""
    with sync_session() as session:
        session.execute(update(SocialPost).where(
            SocialPost.id == post_id, SocialPost.job_id == job_id,
            SocialPost.state == PostState.UPLOADING.value).values(
            state=PostState.SCHEDULED.value, job_id=None, publish_at=until,
            updated_at=utcnow(), error={"code": "quota_exhausted", "message": message,
                                        "at": datetime.now(UTC).isoformat()}))
        session.commit()


def noted(post_id: uuid.UUID, code: str, message: str) -> None:
    """A passing error, kept on the post while its job retries."""
    with sync_session() as session:
        session.execute(update(SocialPost).where(SocialPost.id == post_id).values(
            error={"code": code, "message": message, "at": datetime.now(UTC).isoformat()},
            updated_at=utcnow()))
        session.commit()


def store_tokens(account_id: uuid.UUID, tokens: Tokens) -> None:
    """A refresh's new tokens, sealed into the account row."""
    with sync_session() as session:
        account = session.get(SocialAccount, account_id)
        if account is not None:
            seal_tokens(account, tokens)
            session.commit()


def needs_reconnect(account_id: uuid.UUID, reason: str) -> None:
    """The sync twin of services/social_accounts/accounts.mark_needs_reconnect."""
    with sync_session() as session:
        session.execute(update(SocialAccount).where(SocialAccount.id == account_id).values(
            status=AccountStatus.NEEDS_RECONNECT.value,
            status_reason=reason[:REASON_MAX_CHARS], updated_at=utcnow()))
        session.commit()


def result_of(post: SocialPost) -> dict[str, Any]:
    return {"post_id": str(post.id), "state": post.state, "platform": post.platform,
            "remote_id": post.remote_id, "platform_post_id": post.post_id,
            "url": post.post_url}
