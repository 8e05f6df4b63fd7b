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
from app.schemas.workflow import WorkflowSubmit
from app.services.submits.videos import submit_video
from app.services.workflows.steps import StepRef
from app.services.workflows.submit import add_workflow, check_workflow, refs_of, start_after_commit

ITEM_MODELS: dict[str, type[BaseModel]] = {"workflow": WorkflowSubmit, "video": VideoSubmit}


def merge(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The item's fields: overrides win; nested objects (voice, video) merge key by key."""
    out = dict(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


def parse_items(request: BatchSubmit) -> list[WorkflowSubmit | VideoSubmit]:
    """Every item validated; the first invalid one is a 422 naming `items[i].<field>`."""
    defaults = request.defaults.model_dump()
    parsed: list[WorkflowSubmit | VideoSubmit] = []
    for i, item in enumerate(request.items):
        model = ITEM_MODELS[item.kind]
        try:
            parsed.append(model.model_validate(  # type: ignore[arg-type]
                merge(defaults[item.kind], item.overrides)))
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
    first: Job | None = None
    for i, item in enumerate(items):
        first_id = job_id if i == 0 else None
        try:
            if isinstance(item, WorkflowSubmit):
                await check_workflow(session=session, redis=redis, user=user, request=item)
                workflow, jobs = await add_workflow(session=session, user=user,
                                                    request=item, first_job_id=first_id,
                                                    batch_id=batch.id)
                canvases.append((workflow.id, refs_of(workflow, jobs)))
                listed.append({"kind": "workflow", "id": str(workflow.id)})
                job = jobs[0]
            else:
                job = await submit_video(session=session, redis=redis, user=user,
                                         request=item, job_id=first_id)
                job.batch_id = batch.id
                listed.append({"kind": "video", "id": str(job.id)})
        except AppError as exc:
            exc.field = f"items[{i}].{exc.field}" if exc.field else exc.field
            raise
        first = first or job
        await session.flush()  # the next item's quota check counts this one
    batch.items = listed
    start_after_commit(session, redis, user.id, canvases)
    assert first is not None  # a batch has at least one item
    return first
