"""Workflows: topic or script to finished reels; read, cancel, retry from the failed step."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from app.api.deps import CurrentUser, RedisDep, SessionDep
from app.api.submits import IdempotencyKeyHeader, submit_once, submit_responses
from app.core.config import settings
from app.core.errors import AppError
from app.schemas.workflow import WorkflowRead, WorkflowSubmit
from app.services.projects import submits as project_submits
from app.services.workflows import submit as workflow_service
from app.services.workflows.reads import workflow_read
from app.services.workflows.retry import retry

router = APIRouter(tags=["workflows"])


async def _read(session: SessionDep, user: CurrentUser, workflow_id: uuid.UUID) -> WorkflowRead:
    workflow = await workflow_service.get_workflow(session=session, user=user,
                                                   workflow_id=workflow_id)
    return workflow_read(workflow, await workflow_service.workflow_jobs(session, workflow))


WORKFLOW_SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **submit_responses(WorkflowRead),
    404: {"description": "An asset, the `project_id` or an account of "
                         "`publish.account_ids` is unknown or not yours (the field names it)"},
    409: {"description": "The Idempotency-Key was used with a different body, or an account "
                         "of `publish.account_ids` must be connected again "
                         "(account_needs_reconnect)"},
}


@router.post("/tasks/submit/workflow", status_code=status.HTTP_202_ACCEPTED,
             response_model=WorkflowRead, responses=WORKFLOW_SUBMIT_RESPONSES,
             summary="Submit a workflow: script, voice, render, per-platform reels, publish")
async def submit_workflow(body: WorkflowSubmit, user: CurrentUser, session: SessionDep,
                          redis: RedisDep, response: Response,
                          idempotency_key: IdempotencyKeyHeader = None) -> WorkflowRead:
    first = await submit_once(
        route="workflow", body=body, session=session, user=user, key=idempotency_key,
        response=response,
        create=lambda job_id: project_submits.submit(
            session=session, redis=redis, user=user, request=body, job_id=job_id))
    if first.workflow_id is None:  # the key names a job that is no workflow step
        raise AppError("idempotency_conflict", "this Idempotency-Key was used for another "
                                               "kind of submit", 409, field="Idempotency-Key")
    return await _read(session, user, first.workflow_id)


@router.get("/workflows/{workflow_id}", response_model=WorkflowRead,
            summary="One of your workflows, with its steps")
async def read_workflow(workflow_id: uuid.UUID, user: CurrentUser,
                        session: SessionDep) -> WorkflowRead:
    return await _read(session, user, workflow_id)


@router.delete("/workflows/{workflow_id}", response_model=WorkflowRead,
               summary="Cancel a workflow: its running step stops, later steps never run")
async def cancel_workflow(workflow_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                          redis: RedisDep) -> WorkflowRead:
    await workflow_service.cancel_workflow(session=session, redis=redis, user=user,
                                           workflow_id=workflow_id)
    return await _read(session, user, workflow_id)


class RetryRead(BaseModel):
    kind: str  # "workflow" or "job"
    id: uuid.UUID
    steps: list[str]  # the steps run again; earlier ones keep their outputs
    url: str


RETRY_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such workflow or job of yours"},
    409: {"description": "Not failed or cancelled, so nothing to retry"},
}


@router.post("/tasks/{target_id}/retry", status_code=status.HTTP_202_ACCEPTED,
             response_model=RetryRead, responses=RETRY_RESPONSES,
             summary="Re-run a failed workflow from its failed step, or a failed job")
async def retry_task(target_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                     redis: RedisDep) -> RetryRead:
    done = await retry(session=session, redis=redis, user=user, target_id=target_id)
    path = "workflows" if done.kind == "workflow" else "tasks"
    return RetryRead(kind=done.kind, id=done.id, steps=done.steps,
                     url=f"{settings.app.API_PREFIX}/{path}/{done.id}")
