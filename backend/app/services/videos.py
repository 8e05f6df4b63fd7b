"""Video submits: resolve the user's assets and turn a slideshow request into a job."""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job, User
from app.schemas.task import VideoSubmit
from app.services import assets as asset_service
from app.services import jobs as job_service
from app.services import webhooks as webhook_service
from app.services.quotas import check_submit
from app.tasks.names import TaskName, queue_for


async def submit_video(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                       request: VideoSubmit, job_id: uuid.UUID | None = None) -> Job:
    """Check every asset belongs to the user and is of the right kind, then enqueue."""
    await asset_service.owned_assets(session=session, user=user, ids=request.asset_ids,
                                     kind="image", field="asset_ids")
    if request.audio_asset_id is not None:
        await asset_service.owned_assets(session=session, user=user,
                                         ids=[request.audio_asset_id], kind="audio",
                                         field="audio_asset_id", indexed=False)
    await webhook_service.prepare_callback(session=session, user=user,
                                           url=request.callback_url)
    await check_submit(session=session, redis=redis, user=user, kind="video",
                       queue=queue_for(TaskName.VIDEO_RENDER).value)
    params = request.model_dump(mode="json", exclude={"priority", "callback_url"})
    job = await job_service.create_job(
        session=session, redis=redis, user=user, kind="video", task=TaskName.VIDEO_RENDER,
        params=params, priority=request.priority, job_id=job_id,
    )
    job.callback_url = request.callback_url  # written with the job, before publish
    return job
