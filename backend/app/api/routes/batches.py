"""Batches: up to 500 workflows or videos at once, and their combined status."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from app.api.deps import CurrentUser, RedisDep, SessionDep
from app.api.submits import SUBMIT_RESPONSES, IdempotencyKeyHeader, submit_once
from app.core.errors import AppError
from app.schemas.batch import BatchRead, BatchSubmit
from app.services.batches.reads import batch_read
from app.services.batches.submit import submit_batch as create_batch

router = APIRouter(tags=["batches"])


@router.post("/tasks/submit/batch", status_code=status.HTTP_202_ACCEPTED,
             response_model=BatchRead, responses=SUBMIT_RESPONSES,
             summary="Submit up to 500 workflows, videos or script jobs with shared defaults",
             description="`task_type` sets the kind of every item that names none; an "
                         "item's `project_id` makes its project's settings the defaults "
                         "of the fields it leaves out, and `settings` is accepted for "
                         "`overrides` (docs/projects.md).")
async def submit_batch(body: BatchSubmit, user: CurrentUser, session: SessionDep,
                       redis: RedisDep, response: Response,
                       idempotency_key: IdempotencyKeyHeader = None) -> BatchRead:
    first = await submit_once(
        route="batch", body=body, session=session, user=user, key=idempotency_key,
        response=response,
        create=lambda job_id: create_batch(session=session, redis=redis, user=user,
                                           request=body, job_id=job_id))
    if first.batch_id is None:  # the key names a job outside any batch
        raise AppError("idempotency_conflict", "this Idempotency-Key was used for another "
                                               "kind of submit", 409, field="Idempotency-Key")
    return await batch_read(session=session, user=user, batch_id=first.batch_id)


@router.get("/batches/{batch_id}", response_model=BatchRead,
            summary="A batch: each item's state, counts per state, overall progress")
async def read_batch(batch_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> BatchRead:
    return await batch_read(session=session, user=user, batch_id=batch_id)
