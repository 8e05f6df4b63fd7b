"""Deleting a project: refused while work in it runs, unless asked to cancel that work.

Running work is a job that is not final (outside a workflow), a workflow that is pending
or running, and an enabled schedule. With `cancel`, each goes through its own cancel path
(the job and workflow cancel services, a schedule is disabled) in the same transaction as
the delete. Finished work keeps its rows; their `project_id` becomes NULL (ON DELETE SET
NULL). The project row is locked first: a submit naming it holds a key-share lock until
it commits, so the count below sees every submit that got in, and one that comes later
finds no project (404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import redis.asyncio as aioredis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.jobs.lifecycle import CANCELLABLE
from app.models import Job, Project, Schedule, User, Workflow, WorkflowState
from app.services.projects.manage import ProjectRef, get_project
from app.services.submits.jobs import cancel_job
from app.services.workflows.submit import cancel_workflow

OPEN_WORKFLOW = (WorkflowState.PENDING.value, WorkflowState.RUNNING.value)


@dataclass(frozen=True)
class RunningWork:
    jobs: list[uuid.UUID]
    workflows: list[uuid.UUID]
    schedules: list[uuid.UUID]

    def __bool__(self) -> bool:
        return bool(self.jobs or self.workflows or self.schedules)

    def describe(self) -> str:
        parts = [f"{len(ids)} {name}{'' if len(ids) == 1 else 's'}" for name, ids in (
            ("running job", self.jobs), ("running workflow", self.workflows),
            ("enabled schedule", self.schedules)) if ids]
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


async def running_work(session: AsyncSession, project: Project) -> RunningWork:
    """Work in the project that has not finished (workflow steps count as their workflow)."""
    jobs = await session.scalars(select(Job.id).where(
        Job.project_id == project.id, Job.workflow_id.is_(None), Job.state.in_(CANCELLABLE)))
    workflows = await session.scalars(select(Workflow.id).where(
        Workflow.project_id == project.id, Workflow.state.in_(OPEN_WORKFLOW)))
    schedules = await session.scalars(select(Schedule.id).where(
        Schedule.project_id == project.id, Schedule.enabled))
    return RunningWork(list(jobs), list(workflows), list(schedules))


async def delete_project(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                         ref: ProjectRef, cancel: bool) -> RunningWork:
    """Delete the project; 409 naming the running work unless `cancel`, which cancels it
    first. Returns what was cancelled."""
    project = await get_project(session=session, user=user, ref=ref, lock="update")
    work = await running_work(session, project)
    if work and not cancel:
        raise AppError("project_busy", f"project {project.number} ({project.name}) has "
                       f"{work.describe()}; cancel them first, or delete with ?cancel=true "
                       "to cancel them and delete", 409, field="project_id")
    for workflow_id in work.workflows:
        try:
            await cancel_workflow(session=session, redis=redis, user=user,
                                  workflow_id=workflow_id)
        except AppError as exc:  # finished since the count: nothing left to cancel
            if exc.code != "not_cancellable":
                raise
    for job_id in work.jobs:
        try:
            await cancel_job(session=session, redis=redis, user=user, job_id=job_id)
        except AppError as exc:
            if exc.code != "not_cancellable":
                raise
    for schedule in await session.scalars(select(Schedule).where(
            Schedule.id.in_(work.schedules)).with_for_update()):
        schedule.enabled, schedule.next_fire_at = False, None
    await session.flush()
    await session.delete(project)
    await session.flush()
    return work

