"""Projects: a series with its voice, look and audience; the defaults of every submit that
names it, and the lists of the work done in it. `{project_id}` is its id or its number."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, status

from app.api.deps import CurrentUser, RedisDep, SessionDep
from app.api.paging import CursorQuery
from app.api.routes.jobs import job_read
from app.jobs.names import Queue
from app.models import JobState, Project
from app.schemas.jobs import JobPage
from app.schemas.project import (
    BatchPage,
    ProjectCreate,
    ProjectDeleted,
    ProjectRead,
    ProjectUpdate,
    WorkflowPage,
)
from app.schemas.schedule import ScheduleRead
from app.services.batches.reads import list_batches
from app.services.projects import manage as project_service
from app.services.projects.delete import delete_project as delete_project_service
from app.services.schedules.manage import list_schedules
from app.services.submits import jobs as job_service
from app.services.workflows.listing import list_workflows

router = APIRouter(prefix="/projects", tags=["projects"])

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"description": "No such project of yours (by id or number)"}}
KIT: Responses = {
    404: {"description": "A brand kit asset is unknown or not yours "
                         "(`brand.watermark.asset_id`, `brand.music.asset_id`)"},
    409: {"description": "`name`: you already have a project with this name"},
    422: {"description": "Invalid field, or a kit asset of the wrong kind or retired "
                         "(the error names it)"},
}
ProjectPath = Annotated[str, Path(max_length=36,
                                  description="The project's id, or its number among yours")]
Limit = Annotated[int, Query(ge=1, le=100)]
Cursor = CursorQuery


async def _project(session: SessionDep, user: CurrentUser, project_id: str) -> Project:
    return await project_service.get_project(session=session, user=user,
                                             ref=project_service.parse_ref(project_id))


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectRead,
             summary="Create a project (numbered 1, 2, 3 ... among yours)", responses=KIT)
async def create_project(body: ProjectCreate, user: CurrentUser,
                         session: SessionDep) -> ProjectRead:
    project = await project_service.create_project(session=session, user=user, request=body)
    return ProjectRead.model_validate(project)


@router.get("", response_model=list[ProjectRead], summary="Your projects, by number")
async def list_projects(user: CurrentUser, session: SessionDep) -> list[ProjectRead]:
    rows = await project_service.list_projects(session=session, user=user)
    return [ProjectRead.model_validate(p) for p in rows]


@router.get("/{project_id}", response_model=ProjectRead, responses=NOT_FOUND,
            summary="One of your projects, by id or number")
async def read_project(project_id: ProjectPath, user: CurrentUser,
                       session: SessionDep) -> ProjectRead:
    return ProjectRead.model_validate(await _project(session, user, project_id))


@router.patch("/{project_id}", response_model=ProjectRead, responses={**KIT, **NOT_FOUND},
              summary="Change a project's settings; null clears one")
async def update_project(project_id: ProjectPath, user: CurrentUser, session: SessionDep,
                         body: ProjectUpdate | None = None) -> ProjectRead:
    # No body changes nothing (and still answers 404 for someone else's project).
    updated = await project_service.update_project(
        session=session, user=user, ref=project_service.parse_ref(project_id),
        request=body or ProjectUpdate())
    return ProjectRead.model_validate(updated)


@router.delete(
    "/{project_id}", response_model=ProjectDeleted,
    summary="Delete a project; refused while work in it runs, unless `cancel=true`",
    description="Running work: jobs that are not final, workflows pending or running, "
                "enabled schedules. With `cancel=true` they are cancelled (schedules "
                "disabled) and the project deleted in one transaction. Finished work keeps "
                "its rows, no longer in a project.",
    responses={**NOT_FOUND,
               409: {"description": "`project_busy`: work in it is running (the message "
                                    "counts it)"}})
async def delete_project(
    project_id: ProjectPath, user: CurrentUser, session: SessionDep, redis: RedisDep,
    cancel: Annotated[bool, Query(description="Cancel the running work first")] = False,
) -> ProjectDeleted:
    found = await _project(session, user, project_id)
    ident, number = found.id, found.number
    work = await delete_project_service(session=session, redis=redis, user=user, ref=ident,
                                        cancel=cancel)
    return ProjectDeleted(id=ident, number=number, cancelled_jobs=work.jobs,
                          cancelled_workflows=work.workflows,
                          disabled_schedules=work.schedules)


@router.get("/{project_id}/jobs", response_model=JobPage, responses=NOT_FOUND,
            summary="The project's jobs, newest first (kind=social: its posts)")
async def list_project_jobs(
    project_id: ProjectPath, user: CurrentUser, session: SessionDep,
    state: JobState | None = None,
    kind: Annotated[str | None, Query(max_length=32, description="content, speech, video, "
                                                                 "social (posts) ...")] = None,
    queue: Queue | None = None, limit: Limit = 20, cursor: Cursor = None,
) -> JobPage:
    found = await _project(session, user, project_id)
    jobs, next_cursor = await job_service.list_jobs(
        session=session, user=user, state=state.value if state else None, kind=kind,
        queue=queue.value if queue else None, limit=limit, cursor=cursor,
        project_id=found.id)
    return JobPage(items=[job_read(j) for j in jobs], next_cursor=next_cursor)


@router.get("/{project_id}/workflows", response_model=WorkflowPage, responses=NOT_FOUND,
            summary="The project's workflows with their steps, newest first")
async def list_project_workflows(project_id: ProjectPath, user: CurrentUser,
                                 session: SessionDep, limit: Limit = 20,
                                 cursor: Cursor = None) -> WorkflowPage:
    found = await _project(session, user, project_id)
    items, next_cursor = await list_workflows(session=session, user=user,
                                              project_id=found.id, limit=limit, cursor=cursor)
    return WorkflowPage(items=items, next_cursor=next_cursor)


@router.get("/{project_id}/batches", response_model=BatchPage, responses=NOT_FOUND,
            summary="Batches with an item in the project, newest first")
async def list_project_batches(project_id: ProjectPath, user: CurrentUser, session: SessionDep,
                               limit: Limit = 20, cursor: Cursor = None) -> BatchPage:
    found = await _project(session, user, project_id)
    items, next_cursor = await list_batches(session=session, user=user, project_id=found.id,
                                            limit=limit, cursor=cursor)
    return BatchPage(items=items, next_cursor=next_cursor)


@router.get("/{project_id}/schedules", response_model=list[ScheduleRead], responses=NOT_FOUND,
            summary="The project's schedules, newest first")
async def list_project_schedules(project_id: ProjectPath, user: CurrentUser,
                                 session: SessionDep) -> list[ScheduleRead]:
    found = await _project(session, user, project_id)
    rows = await list_schedules(session=session, user=user, project_id=found.id)
    return [ScheduleRead.model_validate(s) for s in rows]
