"""Admin: dead letters, requeue with the same arguments, reap jobs of lost workers."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Query

from app.api.deps import AdminUser
from app.schemas.admin import (
    CleanupRequest,
    CleanupResult,
    DeadLetterRead,
    RequeueRequest,
    RequeueResult,
)
from app.services.fleet import recovery

router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/dead-letters", response_model=list[DeadLetterRead],
            summary="Jobs that exhausted their retries, newest first")
async def list_dead_letters(
    _: AdminUser,
    task_type: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[DeadLetterRead]:
    jobs = await to_thread.run_sync(lambda: recovery.dead_letters(
        task_name=task_type, limit=limit, offset=offset))
    return [DeadLetterRead.model_validate(j) for j in jobs]


@router.post("/requeue", response_model=RequeueResult,
             summary="Re-run dead jobs with the same arguments (filters combine)")
async def requeue_dead_letters(body: RequeueRequest, _: AdminUser) -> RequeueResult:
    ids = await to_thread.run_sync(lambda: recovery.requeue_dead(
        ids=body.ids, task_name=body.task_type, max_age_hours=body.max_age_hours))
    return RequeueResult(requeued=ids)


@router.post("/cleanup", response_model=CleanupResult,
             summary="Requeue or fail jobs whose worker stopped heart-beating")
async def cleanup_stale_jobs(body: CleanupRequest, _: AdminUser) -> CleanupResult:
    outcome = await to_thread.run_sync(lambda: recovery.reap_stale(
        action=body.action, stale_after_s=body.stale_after_s))
    return CleanupResult(**outcome)
