"""A post follows its publish job when the job is cancelled from outside the post (the
job routes, a project delete): a post that has not finished becomes `cancelled` with it.
Here rather than in services/social_posts, which submits its jobs through this package
(the import layers allow no cycle). The publish job's own ends (failed, dead) are settled
by the worker (services/workers/post_rows.settle_after_job)."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import PostState, SocialPost
from app.models.base import utcnow

NOT_FINISHED = (PostState.SCHEDULED.value, PostState.UPLOADING.value,
                PostState.PROCESSING.value)


async def cancel_posts_of_job(session: AsyncSession, job_id: uuid.UUID) -> list[uuid.UUID]:
    """Cancel the unfinished posts whose job is `job_id` (in the caller's transaction); a
    job that stops part-way leaves what the platform holds recorded on the post."""
    rows = await session.scalars(
        update(SocialPost).where(SocialPost.job_id == job_id,
                                 SocialPost.state.in_(NOT_FINISHED))
        .values(state=PostState.CANCELLED.value, updated_at=utcnow())
        .returning(SocialPost.id))
    return list(rows)
