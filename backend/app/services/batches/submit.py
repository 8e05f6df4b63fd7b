"""Batches: many workflow or video submits in one transaction, and their combined status."""

from __future__ import annotations

import uuid
from typing import Any

import redis.asyncio as aioredis
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.models import Batch, Job, User
from app.schemas.batch import BatchSubmit
from app.schemas.jobs import VideoSubmit
from app.schemas.workflow import ContentSubmit, WorkflowSubmit
from app.services.projects.submits import prepare
from app.services.submits.single_steps import submit_content
from app.services.submits.videos import submit_video
from app.services.workflows.steps import StepRef
from app.services.workflows.submit import add_workflow, check_workflow, refs_of, start_after_commit

Item = WorkflowSubmit | VideoSubmit | ContentSubmit
ITEM_MODELS: dict[str, type[BaseModel]] = {"workflow": WorkflowSubmit, "video": VideoSubmit,
                                           "content": ContentSubmit}


def merge(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The item's fields: overrides win; nested objects (voice, video) merge key by key."""
    out = dict(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def parse_items(request: BatchSubmit) -> list[Item]:
    """Every item validated; the first invalid one is a 422 naming `items[i].<field>`.
    An item's `project_id` is its submit's, unless its overrides name one."""
    defaults = request.defaults.model_dump()
    parsed: list[Item] = []
    for i, item in enumerate(request.items):
        kind = request.kind_of(item)
        fields = merge(defaults[kind], item.overrides)
        if item.project_id is not None:
            fields.setdefault("project_id", item.project_id)
        try:
            parsed.append(ITEM_MODELS[kind].model_validate(fields))  # type: ignore[arg-type]
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            field = f"items[{i}].{where}" if where else f"items[{i}]"
            raise AppError("validation_error", f"{field}: {first['msg']}", 422,
                           field=field) from None
    return parsed


async def submit_batch(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                       request: BatchSubmit, job_id: uuid.UUID | None = None) -> Job:
    """Store every item (quota checked per item, so a batch counts its items) and publish
    after commit; returns the first item's first job (the one an Idempotency-Key names)."""
    items = parse_items(request)
    batch = Batch(id=uuid.uuid4(), user_id=user.id, item_count=len(items), items=[],
                  defaults=request.defaults.model_dump(mode="json"))
    session.add(batch)
    await session.flush()
    canvases: list[tuple[uuid.UUID, list[StepRef]]] = []
    listed: list[dict[str, Any]] = []
    projects: set[uuid.UUID | None] = set()
    first: Job | None = None
    for i, given in enumerate(items):
        first_id = job_id if i == 0 else None
        try:
            # the project's defaults; a video item naming only a project is its reel
            item, project = await prepare(session=session, user=user, request=given)
            projects.add(project.id if project else None)
            if isinstance(item, WorkflowSubmit):
                await check_workflow(session=session, redis=redis, user=user, request=item)
                workflow, jobs = await add_workflow(session=session, user=user,
                                                    request=item, first_job_id=first_id,
                                                    batch_id=batch.id)
                canvases.append((workflow.id, refs_of(workflow, jobs)))
                listed.append({"kind": "workflow", "id": str(workflow.id)})
                job = jobs[0]
            elif isinstance(item, ContentSubmit):
                job = await submit_content(session=session, redis=redis, user=user,
                                           request=item, job_id=first_id)
                listed.append({"kind": "content", "id": str(job.id)})
            else:
                assert isinstance(item, VideoSubmit)
                job = await submit_video(session=session, redis=redis, user=user,
                                         request=item, job_id=first_id)
                listed.append({"kind": "video", "id": str(job.id)})
            if job.workflow_id is None:
                job.batch_id = batch.id
                job.project_id = project.id if project else None
        except AppError as exc:
            exc.field = f"items[{i}].{exc.field}" if exc.field else exc.field
            raise
        first = first or job
        await session.flush()  # the next item's quota check counts this one
    batch.items = listed
    if len(projects) == 1:  # every item in one project (or none): the batch is in it
        batch.project_id = projects.pop()
    start_after_commit(session, redis, user.id, canvases)
    assert first is not None  # a batch has at least one item
    return first
