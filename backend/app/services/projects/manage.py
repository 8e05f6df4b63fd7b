"""Projects from the API's side: create (numbered per owner), find by id or number, list,
change. Deleting is in services/projects/delete.py."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.models import Project, User
from app.schemas.project import ProjectCreate, ProjectUpdate
from app.services.projects.brand import check_kit_assets, kit_json

ProjectRef = uuid.UUID | int
Lock = Literal["update", "key_share"] | None


def parse_ref(value: str) -> ProjectRef:
    """A path's project: its UUID, or its number among the caller's projects."""
    if value.isdigit() and len(value) < 10:
        return int(value)
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFound("project", field="project_id") from None


async def get_project(*, session: AsyncSession, user: User, ref: ProjectRef,
                      field: str = "project_id", lock: Lock = None) -> Project:
    """The caller's project by id or number; another user's (or none) is a 404 naming
    `field`. `lock`: "update" to change or delete it, "key_share" to add work to it (a
    delete waits for that work to commit, and a later submit finds no project)."""
    key = Project.number == ref if isinstance(ref, int) else Project.id == ref
    query = select(Project).where(Project.user_id == user.id, key)
    if lock is not None:
        query = query.with_for_update(key_share=lock == "key_share")
    project = await session.scalar(query)
    if project is None:
        raise NotFound(f"project {ref}", field=field)
    return project


async def _lock(session: AsyncSession, user: User) -> None:
    # one user's creates and renames in turn: the number and the name check stay true
    # until commit (the unique constraints stay the last word)
    await session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
                          {"k": f"projects:{user.id}"})


async def _name_free(session: AsyncSession, user: User, name: str) -> None:
    taken = await session.scalar(select(Project.id).where(Project.user_id == user.id,
                                                          Project.name == name))
    if taken is not None:
        raise AppError("name_taken", f"name: you already have a project named {name!r}", 409,
                       field="name")


async def create_project(*, session: AsyncSession, user: User,
                         request: ProjectCreate) -> Project:
    """Store a project under its owner's next number (their count of projects created,
    so a deleted project's number is never handed out again)."""
    await check_kit_assets(session=session, user=user, kit=request.brand)
    await _lock(session, user)
    await _name_free(session, user, request.name)
    number = await session.scalar(
        update(User).where(User.id == user.id)
        .values(projects_created=User.projects_created + 1)
        .returning(User.projects_created))
    assert number is not None
    now = datetime.now(UTC)
    project = Project(
        id=uuid.uuid4(), user_id=user.id, number=number, name=request.name,
        topic=request.topic, audience=request.audience, tone=request.tone,
        language=request.language,
        voice=request.voice.model_dump(mode="json", exclude_none=True),
        platforms=list(request.platforms), brand=kit_json(request.brand),
        created_at=now, updated_at=now)
    session.add(project)
    await session.flush()
    return project


async def list_projects(*, session: AsyncSession, user: User) -> list[Project]:
    """The caller's projects by number."""
    return list(await session.scalars(select(Project).where(Project.user_id == user.id)
                                      .order_by(Project.number)))


async def update_project(*, session: AsyncSession, user: User, ref: ProjectRef,
                         request: ProjectUpdate) -> Project:
    """Apply the fields the request sent; null clears a setting (name cannot be null)."""
    sent = request.model_fields_set
    if "name" in sent and request.name is None:
        raise AppError("validation_error", "name: cannot be null", 422, field="name")
    if request.brand is not None:
        await check_kit_assets(session=session, user=user, kit=request.brand)
    if "name" in sent:
        await _lock(session, user)
    project = await get_project(session=session, user=user, ref=ref, lock="update")
    if not sent:
        return project
    if request.name is not None and request.name != project.name:
        await _name_free(session, user, request.name)
        project.name = request.name
    for field in ("topic", "audience", "tone", "language"):
        if field in sent:
            setattr(project, field, getattr(request, field))
    if "voice" in sent:
        project.voice = (request.voice.model_dump(mode="json", exclude_none=True)
                         if request.voice else {})
    if "platforms" in sent:
        project.platforms = list(request.platforms or [])
    if "brand" in sent:
        project.brand = kit_json(request.brand)
    project.updated_at = datetime.now(UTC)
    await session.flush()
    return project
