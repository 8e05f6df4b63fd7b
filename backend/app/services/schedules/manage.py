"""Schedules from the API's side: create, read, change, pause, delete, and list runs.

Firing them is the tick's work (services/schedules/tick.py); here a write only keeps
`next_fire_at` right: the next fire time after now, or None while paused.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.cron import next_fire_after
from app.core.errors import AppError, NotFound
from app.models import Schedule, ScheduleRun, User
from app.schemas.schedule import ScheduleCreate, ScheduleUpdate, VideoTemplate, template_json
from app.services.assets import library as asset_service
from app.services.projects.manage import get_project


async def _check_template(*, session: AsyncSession, user: User,
                          template: VideoTemplate) -> None:
    """Fixed photos and the audio track must be the user's own assets of the right kind."""
    if template.images.source == "assets":
        await asset_service.owned_assets(session=session, user=user,
                                         ids=template.images.asset_ids, kind="image",
                                         field="template.images.asset_ids")
    if template.audio_asset_id is not None:
        await asset_service.owned_assets(session=session, user=user,
                                         ids=[template.audio_asset_id], kind="audio",
                                         field="template.audio_asset_id", indexed=False)


def _next(schedule: Schedule, now: datetime) -> datetime | None:
    return next_fire_after(schedule.cron, schedule.timezone, now) if schedule.enabled else None


async def create_schedule(*, session: AsyncSession, user: User,
                          request: ScheduleCreate) -> Schedule:
    """Store a schedule; its first run is the first fire time after now."""
    await _check_template(session=session, user=user, template=request.template)
    project = None if request.project_id is None else await get_project(
        session=session, user=user, ref=request.project_id, lock="key_share")
    # Serialise one user's creates so two concurrent ones cannot both pass the count.
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                          {"k": f"schedules:{user.id}"})
    count = await session.scalar(select(func.count()).select_from(Schedule)
                                 .where(Schedule.user_id == user.id))
    if (count or 0) >= settings.schedules.SCHEDULE_MAX_PER_USER:
        cap = settings.schedules.SCHEDULE_MAX_PER_USER
        raise AppError("too_many_schedules", f"at most {cap} schedules per user", 409)
    now = datetime.now(UTC)
    schedule = Schedule(
        id=uuid.uuid4(), user_id=user.id, name=request.name, cron=request.cron,
        timezone=request.timezone, kind=request.template.kind,
        template=template_json(request.template), enabled=request.enabled,
        project_id=project.id if project else None,
        last_fire_at=None, created_at=now, updated_at=now)
    schedule.next_fire_at = _next(schedule, now)
    session.add(schedule)
    await session.flush()
    return schedule


async def get_schedule(*, session: AsyncSession, user: User, schedule_id: uuid.UUID,
                       for_update: bool = False) -> Schedule:
    """The user's own schedule; another user's id reads as not found."""
    query = select(Schedule).where(Schedule.id == schedule_id, Schedule.user_id == user.id)
    schedule = await session.scalar(query.with_for_update() if for_update else query)
    if schedule is None:
        raise NotFound("schedule", field="schedule_id")
    return schedule


async def list_schedules(*, session: AsyncSession, user: User,
                         project_id: uuid.UUID | None = None) -> list[Schedule]:
    """The user's schedules (in one project, given `project_id`), newest first."""
    query = select(Schedule).where(Schedule.user_id == user.id)
    if project_id is not None:
        query = query.where(Schedule.project_id == project_id)
    rows = await session.scalars(query.order_by(Schedule.created_at.desc(),
                                                Schedule.id.desc()))
    return list(rows)


async def update_schedule(*, session: AsyncSession, user: User, schedule_id: uuid.UUID,
                          request: ScheduleUpdate) -> Schedule:
    """Apply the given fields; a new cron, zone or a resume starts counting from now."""
    # Locked: a tick firing this schedule finishes first, so neither write is lost.
    schedule = await get_schedule(session=session, user=user, schedule_id=schedule_id,
                                  for_update=True)
    if request.template is not None:
        await _check_template(session=session, user=user, template=request.template)
    if "project_id" in request.model_fields_set:
        project = None if request.project_id is None else await get_project(
            session=session, user=user, ref=request.project_id, lock="key_share")
        schedule.project_id = project.id if project else None
    changes = {field: value for field, value in (
        ("name", request.name), ("cron", request.cron), ("timezone", request.timezone),
        ("enabled", request.enabled),
        ("template", request.template and template_json(request.template)),
    ) if value is not None and value != getattr(schedule, field)}
    if not changes:
        return schedule
    for field, value in changes.items():
        setattr(schedule, field, value)
    schedule.kind = str(schedule.template["kind"])
    now = datetime.now(UTC)
    if changes.keys() & {"cron", "timezone", "enabled"}:
        schedule.next_fire_at = _next(schedule, now)
    schedule.updated_at = now
    await session.flush()
    return schedule


async def delete_schedule(*, session: AsyncSession, user: User, schedule_id: uuid.UUID) -> None:
    """Remove the schedule and its run records; the jobs it made stay."""
    schedule = await get_schedule(session=session, user=user, schedule_id=schedule_id,
                                  for_update=True)
    await session.delete(schedule)
    await session.flush()


async def list_runs(*, session: AsyncSession, user: User, schedule_id: uuid.UUID,
                    limit: int, before: datetime | None) -> list[ScheduleRun]:
    """Runs of the user's schedule, latest fire time first; `before` pages back."""
    await get_schedule(session=session, user=user, schedule_id=schedule_id)
    query = select(ScheduleRun).where(ScheduleRun.schedule_id == schedule_id)
    if before is not None:
        query = query.where(ScheduleRun.fire_at < before)
    rows = await session.scalars(query.order_by(ScheduleRun.fire_at.desc()).limit(limit))
    return list(rows)
