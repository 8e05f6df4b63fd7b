"""Posts of finished reels to connected accounts: submit, list, read, cancel, move."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from app.api.deps import CurrentUser, RedisDep, SessionDep
from app.api.paging import CursorQuery
from app.core.errors import AppError
from app.schemas.social_post import (
    PostStateName,
    SocialPostMove,
    SocialPostPage,
    SocialPostRead,
    SocialPostsSubmitted,
    SocialPostSubmit,
)
from app.services.social_posts import posts as post_service

router = APIRouter(tags=["social posts"])

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"description": "Unknown, or not yours"}}
NOT_SCHEDULED: Responses = {409: {"description": "The post is no longer scheduled "
                                                 "(post_not_cancellable, post_not_movable)"}}
SUBMIT_ERRORS: Responses = {
    404: {"description": "The job, workflow or an account is unknown, or not yours"},
    409: {"description": "The job or workflow has not succeeded (source_not_ready), or an "
                         "account must be connected again (account_needs_reconnect)"},
    429: {"description": "Over the plan's `social` submits (each new post's job counts "
                         "as one) or the queue is full (rate_limited); see Retry-After"},
}


def _read(post: Any) -> SocialPostRead:
    return SocialPostRead.model_validate(post)


@router.post("/tasks/submit/social", status_code=status.HTTP_202_ACCEPTED,
             response_model=SocialPostsSubmitted, responses=SUBMIT_ERRORS,
             summary="Post a finished reel to connected accounts, now or at publish_at")
async def submit_social_posts(body: SocialPostSubmit, user: CurrentUser, session: SessionDep,
                              redis: RedisDep) -> SocialPostsSubmitted:
    posts = await post_service.submit_posts(session=session, redis=redis, user=user,
                                            body=body)
    return SocialPostsSubmitted(posts=[_read(p) for p in posts])


@router.get("/social/posts", response_model=SocialPostPage,
            summary="Your posts, newest first (cursor-paged)")
async def list_social_posts(
    user: CurrentUser, session: SessionDep,
    state: Annotated[PostStateName | None, Query()] = None,
    account_id: Annotated[uuid.UUID | None, Query()] = None,
    project_id: Annotated[uuid.UUID | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
) -> SocialPostPage:
    rows, next_cursor = await post_service.list_posts(
        session=session, user=user, state=state, account_id=account_id,
        project_id=project_id, limit=limit, cursor=cursor)
    return SocialPostPage(items=[_read(p) for p in rows], next_cursor=next_cursor)


@router.get("/social/posts/{post_id}", response_model=SocialPostRead, responses=NOT_FOUND,
            summary="One post: its state, the platform's ids and the published URL")
async def get_social_post(post_id: uuid.UUID, user: CurrentUser,
                          session: SessionDep) -> SocialPostRead:
    return _read(await post_service.get_post(session=session, user=user, post_id=post_id))


@router.delete("/social/posts/{post_id}", response_model=SocialPostRead,
               responses={**NOT_FOUND, **NOT_SCHEDULED},
               summary="Cancel a scheduled post before it starts")
async def cancel_social_post(post_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                             redis: RedisDep) -> SocialPostRead:
    return _read(await post_service.cancel_post(session=session, redis=redis, user=user,
                                                post_id=post_id))


@router.patch("/social/posts/{post_id}", response_model=SocialPostRead,
              responses={**NOT_FOUND, **NOT_SCHEDULED},
              summary="Move a scheduled post to another time")
async def move_social_post(post_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                           body: SocialPostMove | None = None) -> SocialPostRead:
    if body is None:  # someone else's post is still a 404, not a 422
        await post_service.get_post(session=session, user=user, post_id=post_id)
        raise AppError("missing_field", "publish_at is required", 422, field="publish_at")
    return _read(await post_service.move_post(session=session, user=user, post_id=post_id,
                                              publish_at=body.publish_at))
