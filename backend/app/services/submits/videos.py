"""Video submits: what a request asks of the user's assets, and the job it becomes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.jobs.names import TaskName, queue_for
from app.jobs.quotas import check_submit
from app.models import Job, User
from app.schemas.jobs import VideoSubmit
from app.services import webhooks as webhook_service
from app.services.assets import library as asset_service
from app.services.assets.library import Usable, retired_error
from app.services.submits import jobs as job_service


@dataclass(frozen=True)
class AssetRef:
    """One asset a submit names: it must be the caller's and of `kind`; `field` names it
    in the error when it is not."""

    asset_id: uuid.UUID
    kind: str
    field: str


@dataclass(frozen=True)
class VideoWork:
    """A validated video submit: the task, its parameters and the assets to check."""

    task: TaskName
    params: dict[str, Any]
    refs: tuple[AssetRef, ...]
    priority: int
    callback_url: str | None

    @property
    def queue(self) -> str:
        return queue_for(self.task).value


def task_for(request: VideoSubmit) -> TaskName:
    """4K (`ultra`) renders go to the gpu queue; its workers fall back to CPU encoders."""
    if request.timeline is not None and request.timeline.output.quality == "ultra":
        return TaskName.VIDEO_RENDER_GPU
    return TaskName.VIDEO_RENDER


def _timeline_refs(request: VideoSubmit) -> list[AssetRef]:
    assert request.timeline is not None
    refs: list[AssetRef] = []
    for path, asset, kind in request.timeline.asset_refs():
        field = f"timeline.{path}"
        try:
            refs.append(AssetRef(uuid.UUID(asset), kind, field))
        except ValueError:
            raise AppError("validation_error", f"{field}: not an asset id", 422,
                           field=field) from None
    return refs


def video_work(request: VideoSubmit) -> VideoWork:
    """Turn a submit body into the job's task and parameters and the assets it names."""
    if request.timeline is not None:
        refs = _timeline_refs(request)
        params = {"timeline": request.timeline.model_dump(mode="json")}
    else:
        assert request.asset_ids is not None
        refs = [AssetRef(asset_id, "image", f"asset_ids.{i}")
                for i, asset_id in enumerate(request.asset_ids)]
        if request.audio_asset_id is not None:
            refs.append(AssetRef(request.audio_asset_id, "audio", "audio_asset_id"))
        params = request.model_dump(mode="json",
                                    exclude={"priority", "callback_url", "timeline"})
    return VideoWork(task=task_for(request), params=params, refs=tuple(refs),
                     priority=request.priority, callback_url=request.callback_url)


def asset_error(ref: AssetRef, found: Usable | None) -> AppError | None:
    """The error for `ref` when the asset is not the caller's own or shared (None), is a
    retired library item, or is of another kind."""
    if found is None:
        return NotFound(f"asset {ref.asset_id}", field=ref.field)
    if found.retired:
        return retired_error(ref.asset_id, ref.field)
    if found.kind != ref.kind:
        return AppError("wrong_asset_kind",
                        f"{ref.field}: asset {ref.asset_id} is not {ref.kind}", 422,
                        field=ref.field)
    return None


async def _check_assets(*, session: AsyncSession, user: User, refs: tuple[AssetRef, ...]
                        ) -> None:
    owned = await asset_service.owned_kinds(session=session, user=user,
                                            ids=[r.asset_id for r in refs])
    for ref in refs:
        error = asset_error(ref, owned.get(ref.asset_id))
        if error is not None:
            raise error


async def submit_video(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                       request: VideoSubmit, job_id: uuid.UUID | None = None) -> Job:
    """Check every asset belongs to the user and is of the right kind, then enqueue in the
    caller's transaction (the path of keyed and batch submits; see services/submits/admission)."""
    work = video_work(request)
    await _check_assets(session=session, user=user, refs=work.refs)
    await webhook_service.prepare_callback(session=session, user=user,
                                           url=request.callback_url)
    await check_submit(session=session, redis=redis, user=user, kind="video",
                       queue=work.queue)
    job = await job_service.create_job(
        session=session, redis=redis, user=user, kind="video", task=work.task,
        params=work.params, priority=work.priority, job_id=job_id,
    )
    job.callback_url = request.callback_url  # written with the job, before publish
    return job
