"""Single steps submitted on their own: one script-writing job or one speech job."""

from __future__ import annotations

import uuid

import redis.asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.names import TaskName, queue_for
from app.jobs.quotas import check_submit
from app.models import Job, User
from app.schemas.workflow import ContentSubmit, TtsSubmit
from app.services.submits import jobs as job_service
from app.services.voices import check_voice_provider

CONTENT_TASKS = {"generate": TaskName.CONTENT_GENERATE, "hashtags": TaskName.CONTENT_HASHTAGS,
                 "analyze": TaskName.CONTENT_ANALYZE, "variations": TaskName.CONTENT_VARIATIONS}


async def submit_content(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                         request: ContentSubmit, job_id: uuid.UUID | None = None) -> Job:
    """Queue one script-writing job on the content queue."""
    task = CONTENT_TASKS[request.operation]
    await check_submit(session=session, redis=redis, user=user, kind="content",
                       queue=queue_for(task).value)
    return await job_service.create_job(
        session=session, redis=redis, user=user, kind="content", task=task,
        params=request.model_dump(mode="json", exclude={"priority"}),
        priority=request.priority, job_id=job_id)


async def submit_tts(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                     request: TtsSubmit, job_id: uuid.UUID | None = None) -> Job:
    """Queue one speech job (it runs on the content queue, beside script writing)."""
    check_voice_provider(request.voice.provider, "voice.provider")
    task = TaskName.SPEECH_SYNTHESIZE
    await check_submit(session=session, redis=redis, user=user, kind="speech",
                       queue=queue_for(task).value)
    return await job_service.create_job(
        session=session, redis=redis, user=user, kind="speech", task=task,
        params=request.model_dump(mode="json", exclude={"priority"}),
        priority=request.priority, job_id=job_id)
