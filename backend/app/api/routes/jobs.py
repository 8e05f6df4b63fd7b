"""Jobs: submit, read, list, cancel, fetch the result and follow events over SSE."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response, status
from fastapi.responses import RedirectResponse, StreamingResponse

from app.api import result_files
from app.api.deps import (
    AdmitterDep,
    CurrentCaller,
    CurrentToken,
    CurrentUser,
    HubDep,
    RedisDep,
    SessionDep,
    StorageDep,
    request_session,
)
from app.api.object_response import ResultGone, object_answer
from app.api.paging import CursorQuery
from app.api.sse import job_event_stream
from app.api.submits import SUBMIT_RESPONSES, IdempotencyKeyHeader, submit_once
from app.core.config import settings
from app.core.errors import AppError
from app.core.signing import signed_path
from app.jobs.names import Queue
from app.models import Job, JobState
from app.realtime.events import id_key
from app.realtime.slots import Slot
from app.schemas.jobs import JobPage, JobRead, JobUrls, VideoSubmit
from app.services.projects import submits as project_submits
from app.services.projects.manage import get_project, parse_ref
from app.services.submits import jobs as job_service
from app.services.submits.idempotency import check_key, request_hash
from app.services.submits.videos import video_work
from app.services.webhooks import check_target

router = APIRouter(prefix="/tasks", tags=["tasks"])


def job_read(job: Job) -> JobRead:
    prefix = settings.app.API_PREFIX
    base = f"{prefix}/tasks/{job.id}"
    read = JobRead.model_validate(job)
    read.urls = JobUrls(self=base, events=f"{base}/events", result=f"{base}/result",
                        websocket=f"{prefix}/ws",
                        workflow=f"{prefix}/workflows/{job.workflow_id}"
                        if job.workflow_id else None)
    return read


@router.post("/submit/video", status_code=status.HTTP_202_ACCEPTED, response_model=JobRead,
             summary="Submit a slideshow or timeline video job, or a project's reel",
             description="With `project_id` and no `asset_ids` or `timeline`, the project's "
                         "reel is made (its topic through script, voice and render); the "
                         "answer is the render step's job, `urls.workflow` the whole run "
                         "(docs/projects.md).",
             responses=SUBMIT_RESPONSES)
async def submit_video_job(body: VideoSubmit, caller: CurrentCaller, request: Request,
                           redis: RedisDep, admitter: AdmitterDep, response: Response,
                           idempotency_key: IdempotencyKeyHeader = None) -> JobRead:
    if body.project_id is not None:  # the project is read (and locked) in the transaction
        async with request_session(request) as session:
            user = await caller.load(session)
            job = await submit_once(
                route="video", body=body, session=session, user=user, key=idempotency_key,
                response=response,
                create=lambda job_id: project_submits.submit(
                    session=session, redis=redis, user=user, request=body, job_id=job_id))
            job = await project_submits.reel_job(session, job)
        return job_read(job)
    # batched admission (services/submits/admission), the key claimed in the batch
    work = video_work(body)
    if idempotency_key is not None:
        check_key(idempotency_key)
    if body.callback_url is not None:
        await check_target(body.callback_url, field="callback_url")
    job, replayed = await admitter.admit(
        user_id=caller.user_id, work=work, key=idempotency_key,
        fingerprint="" if idempotency_key is None else request_hash(
            "video", body.model_dump(mode="json")))
    if replayed:
        response.status_code = status.HTTP_200_OK
    return job_read(job)


@router.get("", response_model=JobPage, summary="List your jobs, newest first",
            responses={404: {"description": "`project_id`: no such project of yours"}})
async def list_jobs(
    user: CurrentUser,
    session: SessionDep,
    state: JobState | None = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    queue: Queue | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: CursorQuery = None,
    project_id: Annotated[str | None, Query(
        max_length=36, description="Only this project's jobs (its id or number)")] = None,
) -> JobPage:
    project = None if project_id is None else await get_project(
        session=session, user=user, ref=parse_ref(project_id))
    jobs, next_cursor = await job_service.list_jobs(
        session=session, user=user, state=state.value if state else None, kind=kind,
        queue=queue.value if queue else None, limit=limit, cursor=cursor,
        project_id=project.id if project else None,
    )
    return JobPage(items=[job_read(j) for j in jobs], next_cursor=next_cursor)


@router.get("/{job_id}", response_model=JobRead, summary="One of your jobs")
async def read_job(job_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> JobRead:
    return job_read(await job_service.get_job(session=session, user=user, job_id=job_id))


@router.delete("/{job_id}", response_model=JobRead,
               summary="Cancel a queued or running job (a running render is stopped)")
async def cancel_job(job_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                     redis: RedisDep) -> JobRead:
    job = await job_service.cancel_job(session=session, redis=redis, user=user, job_id=job_id)
    return job_read(job)


@router.get("/{job_id}/result",
            summary="Download the result: a redirect to the store, or a stream with Range",
            response_class=StreamingResponse, response_model=None,
            responses={200: {"content": {"video/mp4": {}, "audio/wav": {}},
                             "description": "The file (RESULT_DELIVERY=stream)"},
                       206: {"description": "One byte range of the file"},
                       307: {"description": "A presigned URL on the store (redirect), or "
                                            "a signed link (`signed=true`)"},
                       409: {"description": "Not ready"},
                       410: {"description": "Succeeded, but the file is no longer stored "
                                            "(`result_gone`, also recorded on the job)"},
                       416: {"description": "Range not satisfiable"}})
async def read_result(job_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                      storage: StorageDep, request: Request,
                      signed: Annotated[bool, Query(description="Redirect to a signed URL")]
                      = False) -> Response:
    job = await job_service.get_job(session=session, user=user, job_id=job_id)
    if job.state != JobState.SUCCEEDED or not job.output_key:
        raise AppError("not_ready", f"job is {job.state}, not succeeded", 409, field="job_id")
    if signed:
        return RedirectResponse(signed_path(job.output_key), status_code=307)
    try:
        return await object_answer(
            storage, job.output_key, range_header=request.headers.get("range"),
            media_type=result_files.media_type(job.output_key),
            filename=result_files.download_name(job.output_key, job.id))
    except ResultGone:
        await job_service.record_result_gone(session, job.id, job.output_key)
        raise


@router.get("/{job_id}/events", summary="Server-sent events for one job",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}},
                       429: {"description": "WS_MAX_CONNECTIONS_PER_USER live connections "
                                            "are open already"}})
async def job_events(
    job_id: uuid.UUID,
    request: Request,
    user: CurrentUser,
    token: CurrentToken,
    session: SessionDep,
    redis: RedisDep,
    hub: HubDep,
    last_event_id: Annotated[str | None, Header(
        alias="Last-Event-ID", max_length=39, pattern=r"^[0-9]{1,19}(-[0-9]{1,19})?$",
        description="The id of the last event received (a Redis stream id, `ms-seq`)")] = None,
) -> StreamingResponse:
    job = await job_service.get_job(session=session, user=user, job_id=job_id)
    if last_event_id is not None:
        try:
            id_key(last_event_id)
        except ValueError:
            raise AppError("invalid_event_id", "Last-Event-ID is not an event id", 422,
                           field="Last-Event-ID") from None
    snapshot = job_read(job).model_dump(mode="json")
    slot = Slot(redis, str(user.id))
    if not await slot.take():
        raise AppError("too_many_connections", "too many live connections for this account",
                       429, headers={"Retry-After": "5"})
    stream = job_event_stream(request=request, redis=redis, hub=hub, user_id=str(user.id),
                              job_id=str(job.id), snapshot=snapshot, last_event_id=last_event_id,
                              token=token, slot=slot)
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
