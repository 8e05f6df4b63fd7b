"""The original plan's paths, kept working as documented aliases of the current routes:
`GET /tasks/status/{task_id}` and `POST /tasks/admin/{cleanup,requeue,scale}`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from app.api.deps import CurrentUser, SessionDep
from app.api.routes import admin_jobs, admin_scale
from app.schemas.admin import CleanupResult, RequeueResult
from app.schemas.scale import ScaleRead
from app.schemas.task_status import TaskStatusRead
from app.services.task_status import task_status

router = APIRouter(prefix="/tasks", tags=["plan aliases"])


@router.get("/status/{task_id}", response_model=TaskStatusRead,
            summary="Where a job or workflow stands, in Celery's words (the plan's call)",
            description="The original plan's status call. `state` is Celery's (PENDING, "
                        "STARTED, PROGRESS, RETRY, SUCCESS, FAILURE, REVOKED), `progress` a "
                        "percentage, `status` the stage. The full record is at `url`.",
            responses={404: {"description": "No such job or workflow of yours"}})
async def read_task_status(task_id: uuid.UUID, user: CurrentUser,
                           session: SessionDep) -> TaskStatusRead:
    return await task_status(session=session, user=user, task_id=task_id)


def _alias(path: str, endpoint: object, target: str, response_model: type) -> None:
    router.add_api_route(
        path, endpoint, methods=["POST"], response_model=response_model,  # type: ignore[arg-type]
        summary=f"Alias of POST {target} (the original plan's path)",
        description=f"Same parameters, body and answer as `POST /api/v1{target}`.")


_alias("/admin/cleanup", admin_jobs.cleanup_stale_jobs, "/admin/cleanup", CleanupResult)
_alias("/admin/requeue", admin_jobs.requeue_dead_letters, "/admin/requeue", RequeueResult)
_alias("/admin/scale", admin_scale.scale_workers, "/admin/scale", ScaleRead)
