"""What a post publishes: the stored result of a succeeded job or workflow of the caller's,
and the words the content step wrote for it (the default of each field)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.models import Job, JobState, User, Workflow, WorkflowState


@dataclass(frozen=True)
class Source:
    kind: str  # job | workflow
    id: uuid.UUID
    output_key: str
    project_id: uuid.UUID | None
    title: str = ""
    description: str = ""
    caption: str = ""
    hashtags: list[str] = field(default_factory=list)
    attribution: str | None = None


def _not_ready(kind: str, state: str) -> AppError:
    return AppError("source_not_ready", f"the {kind} is {state}: only a succeeded {kind} "
                    "with a result can be posted", 409, field=f"{kind}_id")


async def _from_job(session: AsyncSession, user: User, job_id: uuid.UUID) -> Source:
    job = await session.get(Job, job_id)
    if job is None or job.user_id != user.id:
        raise NotFound("job", field="job_id")
    if job.state != JobState.SUCCEEDED.value or not job.output_key:
        raise _not_ready("job", job.state)
    result, params = job.result or {}, job.params or {}
    title = str(params.get("title") or result.get("title") or "")
    return Source("job", job.id, job.output_key, job.project_id, title=title,
                  caption=title, attribution=result.get("attribution"))


def _steps(rows: list[Job]) -> dict[str, Job]:
    return {r.step: r for r in rows if r.step and r.state == JobState.SUCCEEDED.value}


async def _from_workflow(session: AsyncSession, user: User, workflow_id: uuid.UUID,
                         platform: str) -> Source:
    workflow = await session.get(Workflow, workflow_id)
    if workflow is None or workflow.user_id != user.id:
        raise NotFound("workflow", field="workflow_id")
    if workflow.state != WorkflowState.SUCCEEDED.value:
        raise _not_ready("workflow", workflow.state)
    return workflow_source(workflow, list(await session.scalars(
        select(Job).where(Job.workflow_id == workflow.id))), platform)


def workflow_source(workflow: Workflow, rows: list[Job], platform: str) -> Source:
    """The reel of a workflow whose render (and optimise steps) succeeded, and its words;
    its own publish step reads it this way before the workflow has finished."""
    steps = _steps(rows)
    # the reel optimised for this platform when the workflow made one, else the render
    reel = steps.get(f"optimize:{platform}") or steps.get("render")
    if reel is None or not reel.output_key:
        raise _not_ready("workflow", "without a rendered reel")
    content: dict[str, Any] = (steps["content"].result or {}) if "content" in steps else {}
    made: dict[str, Any] = reel.result or {}
    render = steps.get("render")
    attribution = made.get("attribution") or ((render.result or {}).get("attribution")
                                              if render else None)
    title = str(content.get("title") or "")
    return Source("workflow", workflow.id, reel.output_key, workflow.project_id, title=title,
                  description=str((content.get("script") or {}).get("hook") or title),
                  caption=str(made.get("caption") or title),
                  hashtags=[str(t) for t in made.get("hashtags") or content.get("hashtags")
                            or []], attribution=attribution)


async def find_source(*, session: AsyncSession, user: User, job_id: uuid.UUID | None,
                      workflow_id: uuid.UUID | None, platform: str) -> Source:
    """The reel to post to `platform`: a 404 naming the field for another user's or an
    unknown id, a 409 for one that has not succeeded."""
    if job_id is not None:
        return await _from_job(session, user, job_id)
    assert workflow_id is not None
    return await _from_workflow(session, user, workflow_id, platform)


def with_credit(text: str, credit: str | None) -> str:
    """`text` closed by the attribution the licences ask for, once."""
    if not credit or credit in text:
        return text
    return f"{text}\n\n{credit}" if text else credit
