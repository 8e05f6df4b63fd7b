"""A batch's status: each item's state and progress, counts per state, overall progress."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy import exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.models import Batch, Job, User, Workflow
from app.models.job import FINAL_STATES
from app.schemas.batch import BatchItemRead, BatchRead
from app.services.submits.jobs import decode_cursor, encode_cursor
from app.services.workflows.plan import overall_progress

FINAL = {s.value for s in FINAL_STATES}


async def get_batch(*, session: AsyncSession, user: User, batch_id: uuid.UUID) -> Batch:
    batch = await session.get(Batch, batch_id)
    if batch is None or batch.user_id != user.id:
        raise NotFound("batch", field="batch_id")
    return batch


def batch_state(counts: Counter[str], total: int) -> str:
    """running until every item is final; then succeeded, failed, cancelled or partial."""
    if sum(n for s, n in counts.items() if s in FINAL) < total:
        return "running"
    for state in ("succeeded", "failed", "cancelled"):
        if counts[state] == total:
            return state
    return "partial"


TITLE_CHARS = 80


def item_title(params: dict[str, Any] | None) -> str | None:
    """The topic, or the start of the script, on one line."""
    text = (params or {}).get("topic") or (params or {}).get("script")
    return " ".join(str(text).split())[:TITLE_CHARS] if text else None


async def _items(session: AsyncSession,
                 batch: Batch) -> dict[str, tuple[str, float, Any, str | None]]:
    """Item id -> (state, progress, error, title)."""
    steps: dict[uuid.UUID, dict[str, tuple[str, float]]] = {}
    videos: dict[str, tuple[str, float, Any, str | None]] = {}
    for job in (await session.execute(
            select(Job.id, Job.workflow_id, Job.step, Job.state, Job.progress, Job.error,
                   Job.params["topic"].astext.label("topic"))
            .where(Job.batch_id == batch.id))).all():
        if job.workflow_id is None:
            videos[str(job.id)] = (job.state, 1.0 if job.state in FINAL else job.progress,
                                   job.error, item_title({"topic": job.topic}))
        else:
            steps.setdefault(job.workflow_id, {})[job.step] = (job.state, job.progress)
    out = dict(videos)
    for wf in (await session.execute(
            select(Workflow.id, Workflow.state, Workflow.steps, Workflow.error,
                   Workflow.params["topic"].astext.label("topic"),
                   func.left(Workflow.params["script"].astext, TITLE_CHARS * 2).label("script"))
            .where(Workflow.batch_id == batch.id))).all():
        progress = 1.0 if wf.state in FINAL else overall_progress(wf.steps, steps.get(wf.id, {}))
        out[str(wf.id)] = (wf.state, progress, wf.error,
                           item_title({"topic": wf.topic, "script": wf.script}))
    return out


async def batch_read(*, session: AsyncSession, user: User, batch_id: uuid.UUID) -> BatchRead:
    batch = await get_batch(session=session, user=user, batch_id=batch_id)
    found = await _items(session, batch)
    items = []
    for i, item in enumerate(batch.items):
        # a row deleted with its user cannot be missing while the batch exists: cascades
        state, progress, error, title = found.get(item["id"], ("cancelled", 1.0, None, None))
        items.append(BatchItemRead(index=i, kind=item["kind"], id=item["id"], title=title,
                                   state=state, progress=progress, error=error))
    counts = Counter(item.state for item in items)
    progress = sum(item.progress for item in items) / max(len(items), 1)
    return BatchRead(id=batch.id, project_id=batch.project_id,
                     state=batch_state(counts, len(items)),
                     item_count=batch.item_count, counts=dict(counts),
                     progress=round(progress, 4), items=items, created_at=batch.created_at)


async def list_batches(*, session: AsyncSession, user: User, project_id: uuid.UUID | None,
                       limit: int, cursor: str | None) -> tuple[list[BatchRead], str | None]:
    """The user's batches (with `project_id`: those with an item in the project, or in it
    as a whole), newest first, keyset-paginated on (created_at, id)."""
    query = select(Batch).where(Batch.user_id == user.id)
    if project_id is not None:
        query = query.where(or_(
            Batch.project_id == project_id,
            exists().where(Job.batch_id == Batch.id, Job.project_id == project_id),
            exists().where(Workflow.batch_id == Batch.id, Workflow.project_id == project_id)))
    if cursor:
        created, batch_id = decode_cursor(cursor)
        query = query.where(tuple_(Batch.created_at, Batch.id) < tuple_(created, batch_id))
    rows = list(await session.scalars(
        query.order_by(Batch.created_at.desc(), Batch.id.desc()).limit(limit + 1)))
    reads = [await batch_read(session=session, user=user, batch_id=b.id) for b in rows[:limit]]
    return reads, encode_cursor(rows[limit - 1]) if len(rows) > limit else None
