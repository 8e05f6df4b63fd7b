"""Schedules: a job template fired at every time a cron matches in your time zone."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import AwareDatetime

from app.api.deps import CurrentUser, SessionDep
from app.schemas.schedule import ScheduleCreate, ScheduleRead, ScheduleRunRead, ScheduleUpdate
from app.services.schedules import manage as schedule_service

router = APIRouter(prefix="/schedules", tags=["schedules"])

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"description": "Unknown, or not yours"}}
INVALID: Responses = {422: {"description": "Invalid field, e.g. `cron` or `timezone` (the "
                                           "error names it)"}}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ScheduleRead,
             summary="Create a schedule",
             responses={**INVALID, 404: {"description": "An asset or the `project_id` is unknown "
                                                         "or not yours"},
                        409: {"description": "Too many schedules"}})
async def create_schedule(body: ScheduleCreate, user: CurrentUser,
                          session: SessionDep) -> ScheduleRead:
    schedule = await schedule_service.create_schedule(session=session, user=user, request=body)
    return ScheduleRead.model_validate(schedule)


@router.get("", response_model=list[ScheduleRead], summary="Your schedules, newest first")
async def list_schedules(user: CurrentUser, session: SessionDep) -> list[ScheduleRead]:
    rows = await schedule_service.list_schedules(session=session, user=user)
    return [ScheduleRead.model_validate(s) for s in rows]


@router.get("/{schedule_id}", response_model=ScheduleRead, summary="One of your schedules",
            responses=NOT_FOUND)
async def read_schedule(schedule_id: uuid.UUID, user: CurrentUser,
                        session: SessionDep) -> ScheduleRead:
    schedule = await schedule_service.get_schedule(session=session, user=user,
                                                   schedule_id=schedule_id)
    return ScheduleRead.model_validate(schedule)


@router.patch("/{schedule_id}", response_model=ScheduleRead,
              summary="Change a schedule; `enabled` pauses or resumes it",
              responses={**NOT_FOUND, **INVALID})
async def update_schedule(schedule_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                          body: ScheduleUpdate | None = None) -> ScheduleRead:
    # No body changes nothing (and still answers 404 for someone else's schedule).
    schedule = await schedule_service.update_schedule(
        session=session, user=user, schedule_id=schedule_id, request=body or ScheduleUpdate())
    return ScheduleRead.model_validate(schedule)


@router.delete("/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, summary="Delete a schedule and its run records",
               responses=NOT_FOUND)
async def delete_schedule(schedule_id: uuid.UUID, user: CurrentUser,
                          session: SessionDep) -> Response:
    await schedule_service.delete_schedule(session=session, user=user, schedule_id=schedule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{schedule_id}/runs", response_model=list[ScheduleRunRead],
            summary="Runs of one of your schedules, latest fire time first",
            responses=NOT_FOUND)
async def list_schedule_runs(
    schedule_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[AwareDatetime | None, Query(
        description="Only runs that fired before this instant (the last `fire_at` seen)")]
    = None,
) -> list[ScheduleRunRead]:
    rows = await schedule_service.list_runs(session=session, user=user,
                                            schedule_id=schedule_id, limit=limit,
                                            before=before)
    return [ScheduleRunRead.model_validate(r) for r in rows]

