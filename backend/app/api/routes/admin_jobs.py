"""Admin: dead letters, requeue with the same arguments, reap jobs of lost workers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from anyio import to_thread
from fastapi import APIRouter, Body, Query

from app.api.deps import AdminUser
from app.schemas.admin import (
    CleanupRequest,
    CleanupResult,
    DeadLetterRead,
    DiscardRequest,
    DiscardResult,
    RequeueRequest,
    RequeueResult,
)
from app.services.fleet import recovery

router = APIRouter(prefix="/admin", tags=["admin"])

_ADMIN_ONLY: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid credentials"},
    403: {"description": "Admin role required"}}


@router.get("/dead-letters", response_model=list[DeadLetterRead],
            summary="Jobs that exhausted their retries, newest first (filters combine)",
            responses=_ADMIN_ONLY)
async def list_dead_letters(
    _: AdminUser,
    task_type: Annotated[str | None, Query(max_length=64)] = None,
    queue: Annotated[str | None, Query(max_length=32)] = None,
    error_code: Annotated[str | None, Query(max_length=64,
                                            description="The last error's code, exactly")] = None,
    error_text: Annotated[str | None, Query(max_length=200, description="Part of the last "
                                            "error's message, any case")] = None,
    max_age_hours: Annotated[float | None, Query(gt=0, le=24 * 90,
                                                 description="Dead within this many hours")
                             ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[DeadLetterRead]:
    jobs = await to_thread.run_sync(lambda: recovery.dead_letters(
        task_name=task_type, queue=queue, error_code=error_code, error_text=error_text,
        max_age_hours=max_age_hours, limit=limit, offset=offset))
    return [DeadLetterRead.model_validate(j) for j in jobs]


@router.post("/dead-letters/discard", response_model=DiscardResult,
             summary="Take dead jobs out of the dead letters for good (they end failed and "
                     "are never requeued)",
             responses={**_ADMIN_ONLY, 422: {"description": "No ids, or more than 1000"}})
async def discard_dead_letters(_: AdminUser, body: DiscardRequest) -> DiscardResult:
    ids = await to_thread.run_sync(lambda: recovery.discard_dead(ids=body.job_ids))
    return DiscardResult(discarded=ids)


@router.post("/requeue", response_model=RequeueResult,
             summary="Re-run dead jobs with the same arguments (filters combine; a JSON body "
                     "or query parameters)")
async def requeue_dead_letters(
    _: AdminUser,
    body: Annotated[RequeueRequest | None, Body()] = None,
    task_type: Annotated[str | None, Query(max_length=64)] = None,
    max_age_hours: Annotated[float | None, Query(gt=0, le=24 * 90)] = None,
) -> RequeueResult:
    asked = body or RequeueRequest(task_type=task_type, max_age_hours=max_age_hours)
    ids = await to_thread.run_sync(lambda: recovery.requeue_dead(
        ids=asked.ids, task_name=asked.task_type, max_age_hours=asked.max_age_hours))
    return RequeueResult(requeued=ids)


@router.post("/cleanup", response_model=CleanupResult,
             summary="Requeue or fail jobs whose worker stopped heart-beating (a JSON body or "
                     "query parameters)")
async def cleanup_stale_jobs(
    _: AdminUser,
    body: Annotated[CleanupRequest | None, Body()] = None,
    action: Annotated[Literal["requeue", "fail"], Query()] = "requeue",
    stale_after_s: Annotated[float | None, Query(gt=0, le=86400)] = None,
) -> CleanupResult:
    asked = body or CleanupRequest(action=action, stale_after_s=stale_after_s)
    outcome = await to_thread.run_sync(lambda: recovery.reap_stale(
        action=asked.action, stale_after_s=asked.stale_after_s))
    return CleanupResult(**outcome)
