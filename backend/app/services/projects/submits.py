"""Submits that may name a project: the project's settings fill what the request left
out (defaults.py), the brand kit's assets are checked, and the rows carry the project.

A video submit that names a project and no media (no `asset_ids`, no `timeline`) makes
the project's reel: a topic -> reel workflow with the project's settings. `advanced`
keeps the kit's music and blends scenes with the default transition; without it the
reel has no music and cuts between scenes.
"""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.media.transition_kinds import CUT, DEFAULT
from app.models import Job, Project, User
from app.schemas.jobs import SLIDESHOW_FIELDS, VideoSubmit
from app.schemas.workflow import ContentSubmit, TtsSubmit, WorkflowSubmit
from app.services.projects.brand import check_kit_assets
from app.services.projects.defaults import resolve
from app.services.submits.single_steps import submit_content, submit_tts
from app.services.submits.videos import submit_video
from app.services.workflows import submit as workflow_service

Submit = WorkflowSubmit | ContentSubmit | TtsSubmit | VideoSubmit
REEL_STEP = "render"  # the step whose result is the reel a video submit asked for


def makes_reel(request: Submit) -> bool:
    """A video submit naming a project and no media: the project's reel."""
    return (isinstance(request, VideoSubmit) and request.project_id is not None
            and request.asset_ids is None and request.timeline is None)


def reel_request(request: VideoSubmit) -> WorkflowSubmit:
    """The workflow a project's reel runs; slideshow settings have nothing to apply to."""
    stray = sorted((SLIDESHOW_FIELDS | {"callback_url"}) & request.model_fields_set)
    if stray:
        raise AppError("validation_error", f"{stray[0]}: only with asset_ids or a timeline "
                       "(a project's reel takes its settings from the project)", 422,
                       field=stray[0])
    body: dict[str, object] = {"project_id": request.project_id, "priority": request.priority,
                               "video": {"transition": DEFAULT if request.advanced else CUT}}
    if not request.advanced:
        body["brand"] = {"music": None}  # removes the kit's music (brand.merge_kit)
    return WorkflowSubmit.model_validate(body)


def _with_music(request: VideoSubmit, project: Project) -> VideoSubmit:
    """An `advanced` slideshow without its own audio plays the kit's music."""
    music = (project.brand or {}).get("music")
    if not request.advanced or request.timeline is not None \
            or request.audio_asset_id is not None or not music:
        return request
    return request.model_copy(update={"audio_asset_id": uuid.UUID(str(music["asset_id"]))})


async def prepare(*, session: AsyncSession, user: User, request: Submit
                  ) -> tuple[Submit, Project | None]:
    """The request as it will run (project defaults applied, a reel turned into its
    workflow) and its project; a workflow's brand kit assets are checked here."""
    if isinstance(request, VideoSubmit) and makes_reel(request):
        request = reel_request(request)
    resolved, project = await resolve(session=session, user=user, request=request)
    if isinstance(resolved, WorkflowSubmit) and resolved.brand is not None:
        await check_kit_assets(session=session, user=user, kit=resolved.brand)
    if isinstance(resolved, VideoSubmit) and project is not None:
        resolved = _with_music(resolved, project)
    return resolved, project


async def submit(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                 request: Submit, job_id: uuid.UUID | None = None) -> Job:
    """Store the submit's job (a workflow's first step) in the caller's transaction."""
    resolved, project = await prepare(session=session, user=user, request=request)
    job: Job
    if isinstance(resolved, WorkflowSubmit):
        job = await workflow_service.submit_workflow(session=session, redis=redis, user=user,
                                                     request=resolved, job_id=job_id)
    elif isinstance(resolved, ContentSubmit):
        job = await submit_content(session=session, redis=redis, user=user,
                                   request=resolved, job_id=job_id)
    elif isinstance(resolved, TtsSubmit):
        job = await submit_tts(session=session, redis=redis, user=user, request=resolved,
                               job_id=job_id)
    else:
        job = await submit_video(session=session, redis=redis, user=user, request=resolved,
                                 job_id=job_id)
    if project is not None:
        job.project_id = project.id  # written with the job, before it is published
    return job


async def reel_job(session: AsyncSession, job: Job) -> Job:
    """The render step of the workflow `job` starts (the job a reel's submit answers with)."""
    if job.workflow_id is None:
        return job
    step = await session.scalar(select(Job).where(Job.workflow_id == job.workflow_id,
                                                  Job.step == REEL_STEP))
    return step or job
