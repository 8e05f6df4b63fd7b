"""Posts from the API's side: submit (one row per reel and account), read, list, cancel
and move a scheduled one. A post due now gets its publish job in the submit's transaction;
a later one waits for the tick (due.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import redis.asyncio as aioredis
from sqlalchemy import select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import ReturningInsert

from app.core.errors import AppError, NotFound
from app.jobs.names import TaskName, queue_for
from app.jobs.quotas import check_submit
from app.models import AccountStatus, PostState, SocialAccount, SocialPost, User
from app.models.base import utcnow
from app.schemas.social_post import PostText, SocialPostSubmit
from app.services.social_accounts.accounts import get_account
from app.services.social_posts.sources import Source, find_source, with_credit
from app.services.submits.jobs import cancel_job, create_job, decode_cursor, encode_cursor

POST_JOB_KIND = "social"
POST_PRIORITY = 5


def row_values(user_id: uuid.UUID, account: SocialAccount, source: Source, text: PostText,
               privacy: str, publish_at: datetime) -> dict[str, object]:
    """A new post row: words left out come from the reel, closed by its attribution."""
    credit = source.attribution
    title = text.title if text.title is not None else source.title
    return {
        "id": uuid.uuid4(), "user_id": user_id, "account_id": account.id,
        "platform": account.platform, "source_kind": source.kind, "source_id": source.id,
        "output_key": source.output_key, "title": title[:200],
        "description": with_credit(text.description if text.description is not None
                                   else source.description, credit),
        "caption": with_credit(text.caption if text.caption is not None
                               else source.caption, credit),
        "hashtags": [t.lstrip("#") for t in (text.hashtags if text.hashtags is not None
                                             else source.hashtags)],
        "privacy": privacy, "publish_at": publish_at,
        "state": PostState.SCHEDULED.value, "remote": {}, "attempts": 0,
        "project_id": source.project_id, "created_at": utcnow(), "updated_at": utcnow(),
    }


def insert_post(values: dict[str, object]) -> ReturningInsert[uuid.UUID]:
    """The row's INSERT: nothing when the (reel, account) has its post already."""
    return (insert(SocialPost).values(**values)
            .on_conflict_do_nothing(constraint="uq_social_posts_source_account")
            .returning(SocialPost.id))


async def usable_account(session: AsyncSession, user: User, account_id: uuid.UUID, *,
                         field: str = "account_ids") -> SocialAccount:
    """One of the user's active accounts: 404 naming `field` for another user's or an
    unknown one, 409 `account_needs_reconnect` for one that must be connected again."""
    try:
        account = await get_account(session=session, user=user, account_id=account_id)
    except NotFound:
        raise NotFound("social account", field=field) from None
    if account.status != AccountStatus.ACTIVE.value:
        raise AppError("account_needs_reconnect", f"account {account_id} must be connected "
                       "again before it can post", 409, field=field)
    return account


async def _existing(session: AsyncSession, source: Source,
                    account: SocialAccount) -> SocialPost | None:
    return await session.scalar(
        select(SocialPost).where(SocialPost.source_id == source.id,
                                 SocialPost.account_id == account.id)
        .execution_options(populate_existing=True))


async def submit_posts(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                       body: SocialPostSubmit) -> list[SocialPost]:
    """One post per account; a (reel, account) posted before answers its existing post.
    Each new post is checked against the plan first (429 `rate_limited` when over)."""
    now = datetime.now(UTC)
    publish_at = max(body.publish_at or now, now)
    posts: list[SocialPost] = []
    for account_id in body.account_ids:
        account = await usable_account(session, user, account_id)
        source = await find_source(session=session, user=user, job_id=body.job_id,
                                   workflow_id=body.workflow_id, platform=account.platform)
        text = next((t for name, t in body.text.items() if name == account.platform),
                    PostText())
        if await _existing(session, source, account) is None:
            # each new post's job is one `social` submit of the plan (a scheduled post's
            # job is made by the tick, and counts from then)
            await check_submit(session=session, redis=redis, user=user, kind=POST_JOB_KIND,
                               queue=queue_for(TaskName.SOCIAL_POST).value)
        new_id = await session.scalar(insert_post(row_values(
            user.id, account, source, text, body.privacy, publish_at)))
        post = await _existing(session, source, account)
        assert post is not None
        if new_id is not None and publish_at <= now:
            job = await create_job(session=session, redis=redis, user=user,
                                   kind=POST_JOB_KIND, task=TaskName.SOCIAL_POST,
                                   params={"post_id": str(post.id)}, priority=POST_PRIORITY)
            job.project_id = post.project_id
            post.job_id = job.id
        posts.append(post)
    await session.flush()
    return posts


async def get_post(*, session: AsyncSession, user: User, post_id: uuid.UUID) -> SocialPost:
    """One of the user's posts; another user's reads as not found."""
    post = await session.get(SocialPost, post_id)
    if post is None or post.user_id != user.id:
        raise NotFound("post", field="post_id")
    return post


async def list_posts(*, session: AsyncSession, user: User, state: str | None,
                     account_id: uuid.UUID | None, project_id: uuid.UUID | None,
                     limit: int, cursor: str | None) -> tuple[list[SocialPost], str | None]:
    """The user's posts, newest first, keyset-paginated on (created_at, id)."""
    query = select(SocialPost).where(SocialPost.user_id == user.id)
    if state:
        query = query.where(SocialPost.state == state)
    if account_id:
        query = query.where(SocialPost.account_id == account_id)
    if project_id:
        query = query.where(SocialPost.project_id == project_id)
    if cursor:
        created, post_id = decode_cursor(cursor)
        query = query.where(tuple_(SocialPost.created_at, SocialPost.id) < (created, post_id))
    rows = list(await session.scalars(
        query.order_by(SocialPost.created_at.desc(), SocialPost.id.desc()).limit(limit + 1)))
    return rows[:limit], (encode_cursor(rows[limit - 1]) if len(rows) > limit else None)


async def _change_scheduled(session: AsyncSession, user: User, post_id: uuid.UUID, *,
                            code: str, verb: str, still_unclaimed: bool,
                            **values: object) -> SocialPost:
    post = await get_post(session=session, user=user, post_id=post_id)
    where = [SocialPost.id == post.id, SocialPost.state == PostState.SCHEDULED.value]
    if still_unclaimed:
        where.append(SocialPost.job_id.is_(None))
    changed = await session.scalar(update(SocialPost).where(*where).values(
        updated_at=utcnow(), **values).returning(SocialPost.id))
    await session.refresh(post)
    if changed is None:
        raise AppError(code, f"the post is {post.state}: only a scheduled post "
                       f"whose time has not come can be {verb}", 409, field="post_id")
    return post


async def cancel_post(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                      post_id: uuid.UUID) -> SocialPost:
    """Cancel a post that has not started, and the job it was handed, if any. The post's
    conditional UPDATE is what counts: a job that starts anyway finds the post cancelled
    and posts nothing (the worker takes the row with a conditional UPDATE too)."""
    post = await _change_scheduled(session, user, post_id, code="post_not_cancellable",
                                   verb="cancelled", still_unclaimed=False,
                                   state=PostState.CANCELLED.value)
    if post.job_id is not None:
        try:
            await cancel_job(session=session, redis=redis, user=user, job_id=post.job_id)
        except AppError:
            pass  # it ended or is ending: it found, or will find, the post cancelled
    return post


async def move_post(*, session: AsyncSession, user: User, post_id: uuid.UUID,
                    publish_at: datetime) -> SocialPost:
    """Move a scheduled post that the tick has not taken yet."""
    return await _change_scheduled(session, user, post_id, code="post_not_movable",
                                   verb="moved", still_unclaimed=True, publish_at=publish_at)
