"""Single steps on their own: one script-writing job or one speech job."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentUser, RedisDep, SessionDep
from app.api.routes.jobs import job_read
from app.api.submits import SUBMIT_RESPONSES, IdempotencyKeyHeader, submit_once
from app.schemas.jobs import JobRead
from app.schemas.workflow import ContentSubmit, TtsSubmit
from app.services.projects.submits import submit

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.post("/submit/content", status_code=status.HTTP_202_ACCEPTED, response_model=JobRead,
             responses=SUBMIT_RESPONSES,
             summary="Submit a script job: generate, hashtags, analyze or variations")
async def submit_content_job(body: ContentSubmit, user: CurrentUser, session: SessionDep,
                             redis: RedisDep, response: Response,
                             idempotency_key: IdempotencyKeyHeader = None) -> JobRead:
    job = await submit_once(
        route="content", body=body, session=session, user=user, key=idempotency_key,
        response=response,
        create=lambda job_id: submit(session=session, redis=redis, user=user,
                                     request=body, job_id=job_id))
    return job_read(job)


@router.post("/submit/tts", status_code=status.HTTP_202_ACCEPTED, response_model=JobRead,
             responses=SUBMIT_RESPONSES,
             summary="Submit a speech job: text to a WAV voice-over with word timings")
async def submit_tts_job(body: TtsSubmit, user: CurrentUser, session: SessionDep,
                         redis: RedisDep, response: Response,
                         idempotency_key: IdempotencyKeyHeader = None) -> JobRead:
    job = await submit_once(
        route="tts", body=body, session=session, user=user, key=idempotency_key,
        response=response,
        create=lambda job_id: submit(session=session, redis=redis, user=user,
                                     request=body, job_id=job_id))
    return job_read(job)
