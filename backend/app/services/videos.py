"""Video submits: check the user's assets and turn a timeline or a slideshow into a job."""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.media.timeline import Timeline
from app.models import Job, User
from app.schemas.task import VideoSubmit
from app.services import assets as asset_service
from app.services import jobs as job_service
from app.services import webhooks as webhook_service
from app.services.quotas import check_submit
from app.tasks.names import TaskName, queue_for


async def _check_timeline_assets(*, session: AsyncSession, user: User,
                                  timeline: Timeline) -> None:
    """Every asset id in the timeline is one of the user's assets of the right kind."""
    seen: set[tuple[str, str]] = set()
    for path, asset, kind in timeline.asset_refs():
        field = f"timeline.{path}"
        try:
            asset_id = uuid.UUID(asset)
        except ValueError:
            raise AppError("validation_error", f"{field}: not an asset id", 422,
                           field=field) from None
        if (asset, kind) not in seen:
            seen.add((asset, kind))
            await asset_service.owned_assets(session=session, user=user, ids=[asset_id],
                                             kind=kind, field=field, indexed=False)


def task_for(request: VideoSubmit) -> TaskName:
    """4K (`ultra`) renders go to the gpu queue; its workers fall back to CPU encoders."""
    if request.timeline is not None and request.timeline.output.quality == "ultra":
        return TaskName.VIDEO_RENDER_GPU
    return TaskName.VIDEO_RENDER


async def submit_video(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                       request: VideoSubmit, job_id: uuid.UUID | None = None) -> Job:
    """Check every asset belongs to the user and is of the right kind, then enqueue."""
    if request.timeline is not None:
        await _check_timeline_assets(session=session, user=user, timeline=request.timeline)
        params = {"timeline": request.timeline.model_dump(mode="json")}
    else:
        assert request.asset_ids is not None
        await asset_service.owned_assets(session=session, user=user, ids=request.asset_ids,
                                         kind="image", field="asset_ids")
        if request.audio_asset_id is not None:
            await asset_service.owned_assets(session=session, user=user,
                                             ids=[request.audio_asset_id], kind="audio",
                                             field="audio_asset_id", indexed=False)
        params = request.model_dump(mode="json",
                                    exclude={"priority", "callback_url", "timeline"})
    await webhook_service.prepare_callback(session=session, user=user,
                                           url=request.callback_url)
    task = task_for(request)
    await check_submit(session=session, redis=redis, user=user, kind="video",
                       queue=queue_for(task).value)
    job = await job_service.create_job(
        session=session, redis=redis, user=user, kind="video", task=task,
        params=params, priority=request.priority, job_id=job_id,
    )
    job.callback_url = request.callback_url  # written with the job, before publish
    return job
