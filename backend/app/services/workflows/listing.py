"""Workflows listed: one project's, newest first, keyset-paginated on (created_at, id)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job, User, Workflow
from app.schemas.workflow import WorkflowRead
from app.services.submits.jobs import decode_cursor, encode_cursor
from app.services.workflows.reads import workflow_read


async def list_workflows(*, session: AsyncSession, user: User, project_id: uuid.UUID,
                         limit: int, cursor: str | None
                         ) -> tuple[list[WorkflowRead], str | None]:
    """The user's workflows in the project with their steps (two queries a page)."""
    query = select(Workflow).where(Workflow.user_id == user.id,
                                   Workflow.project_id == project_id)
    if cursor:
        created, workflow_id = decode_cursor(cursor)
        query = query.where(tuple_(Workflow.created_at, Workflow.id)
                            < tuple_(created, workflow_id))
    rows = list(await session.scalars(
        query.order_by(Workflow.created_at.desc(), Workflow.id.desc()).limit(limit + 1)))
    page = rows[:limit]
    steps: dict[uuid.UUID, dict[str | None, Job]] = {}
    for job in await session.scalars(select(Job).where(
            Job.workflow_id.in_([w.id for w in page]))):
        assert job.workflow_id is not None
        steps.setdefault(job.workflow_id, {})[job.step] = job
    reads = [workflow_read(w, [steps[w.id][n] for n in w.steps if n in steps.get(w.id, {})])
             for w in page]
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return reads, next_cursor
