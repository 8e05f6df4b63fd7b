"""Workflows from the API's side: submit (one row per step), read, cancel."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis
from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from app.core.errors import AppError, NotFound
from app.core.transaction import after_commit
from app.jobs.lifecycle import history_entry, transition
from app.jobs.names import TaskName, queue_for
from app.jobs.publish import publish_steps
from app.jobs.quotas import capped_priority, check_submit
from app.models import Job, JobState, User, Workflow, WorkflowState
from app.realtime import bus
from app.schemas.workflow import WorkflowSubmit
from app.services import webhooks as webhook_service
from app.services.assets import library as asset_service
from app.services.social_posts.posts import usable_account
from app.services.voices import check_voice_provider
from app.services.workflows.events import apublish_ended, ended_events, released_events
from app.services.workflows.plan import StepSpec, plan_steps, stage_event
from app.services.workflows.steps import (
    StepRef,
    cancel_open_steps,
    end_workflow,
    is_final,
    lock_workflow,
    progress_of,
)

log = logging.getLogger(__name__)


def step_params(spec: StepSpec, request: WorkflowSubmit) -> dict[str, Any]:
    """What each step's job row holds, so every step is self-describing."""
    video = request.video
    if spec.stage == "content":
        return {**request.model_dump(mode="json", include={
            "topic", "script", "tone", "audience", "duration_s", "language", "seed"}),
            "platform": request.render_platform}
    if spec.stage == "voice":
        return {"voice": request.voice.model_dump(mode="json")}
    if spec.stage == "render":
        return {"platform": request.render_platform, "quality": video.quality,
                "captions": video.captions, "transition": video.transition,
                "image_asset_ids": [str(i) for i in video.image_asset_ids],
                "brand": request.brand.model_dump(mode="json", exclude_none=True)
                if request.brand else {}}
    if spec.stage == "optimize":
        return {"platform": spec.platform, "quality": video.quality, "topic": request.topic}
    publish = request.publish
    assert publish is not None
    return {"url": publish.url, "platforms": request.platforms,
            "account_ids": [str(a) for a in publish.account_ids],
            "publish_at": publish.publish_at.isoformat() if publish.publish_at else None,
            "privacy": publish.privacy}


async def check_workflow(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                         request: WorkflowSubmit) -> None:
    """Assets owned, voice and hook allowed, the accounts to post to yours and connected,
    quota left (a workflow counts as one video)."""
    check_voice_provider(request.voice.provider, "voice.provider")
    if request.video.image_asset_ids:
        await asset_service.owned_assets(session=session, user=user,
                                         ids=request.video.image_asset_ids, kind="image",
                                         field="video.image_asset_ids")
    publish = request.publish
    if publish is not None and publish.url is not None:
        await webhook_service.check_target(publish.url, field="publish.url")
        await webhook_service.ensure_signing_secret(session=session, user=user)
    for account_id in publish.account_ids if publish is not None else []:
        await usable_account(session, user, account_id, field="publish.account_ids")
    await check_submit(session=session, redis=redis, user=user, kind="video",
                       queue=queue_for(TaskName.VIDEO_REEL).value)


async def add_workflow(*, session: AsyncSession, user: User, request: WorkflowSubmit,
                       first_job_id: uuid.UUID | None = None,
                       batch_id: uuid.UUID | None = None) -> tuple[Workflow, list[Job]]:
    """Add the workflow and its step rows: the first step `pending`, the rest `waiting`."""
    specs = plan_steps(request.platforms, request.publish is not None)
    now = datetime.now(UTC)
    priority = capped_priority(plan=user.plan, role=user.role, priority=request.priority)
    # resolved by services/projects before a workflow is added: a UUID or None
    project_id = request.project_id if isinstance(request.project_id, uuid.UUID) else None
    workflow = Workflow(id=uuid.uuid4(), user_id=user.id, batch_id=batch_id,
                        project_id=project_id,
                        state=WorkflowState.PENDING.value, priority=priority,
                        params=request.model_dump(mode="json"), steps=[s.name for s in specs],
                        retries=0, created_at=now)
    session.add(workflow)
    await session.flush()  # no ORM relationship orders the inserts: the row goes first
    jobs = []
    for spec in specs:
        state = JobState.PENDING if spec.level == 0 else JobState.WAITING
        jobs.append(Job(
            id=first_job_id if spec.level == 0 and first_job_id else uuid.uuid4(),
            user_id=user.id, kind=spec.kind, task_name=spec.task.value,
            queue=queue_for(spec.task).value, priority=priority, state=state.value,
            params=step_params(spec, request), history=history_entry(state), progress=0.0,
            attempts=0, created_at=now, workflow_id=workflow.id, step=spec.name,
            batch_id=batch_id, project_id=project_id))
    session.add_all(jobs)
    return workflow, jobs


def refs_of(workflow: Workflow, jobs: list[Job]) -> list[StepRef]:
    levels = {s.name: s.level for s in plan_steps(
        [n.partition(":")[2] for n in workflow.steps if n.startswith("optimize:")],
        "publish" in workflow.steps)}
    return [StepRef(j.id, j.step or "", j.task_name, j.queue, j.priority, levels[j.step or ""])
            for j in jobs]


def start_after_commit(session: AsyncSession, redis: aioredis.Redis, user_id: uuid.UUID,
                       canvases: list[tuple[uuid.UUID, list[StepRef]]]) -> None:
    """Once committed: publish each workflow's canvas, then mark its first steps queued.
    A failed publish leaves them `pending` for the sweeper, as with any job."""

    def _publish_all() -> None:
        for _, refs in canvases:
            publish_steps(refs)

    async def _start() -> None:
        if not canvases:
            return
        # announced before the first step can start, so `queued` is always the first stage
        for workflow_id, _ in canvases:
            await bus.publish(redis, user_id, stage_event(
                workflow_id, stage="queued", step=None, progress=0.0, eta=None,
                state=WorkflowState.PENDING.value))
        try:
            await to_thread.run_sync(_publish_all)
        except Exception:
            log.exception("workflow.publish_failed", extra={"count": len(canvases)})
            return
        first = [r for _, refs in canvases for r in refs
                 if r.level == min(x.level for x in refs)]
        queued = set((await session.scalars(
            transition(JobState.QUEUED, Job.id.in_([r.job_id for r in first]),
                       from_=JobState.PENDING, queued_at=datetime.now(UTC))
            .returning(Job.id))).all())
        await session.commit()
        for event in released_events([r for r in first if r.job_id in queued]):
            await bus.publish(redis, user_id, event)

    after_commit(session, _start)


async def submit_workflow(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                          request: WorkflowSubmit, job_id: uuid.UUID | None = None) -> Job:
    """Check, store the workflow and its steps, and publish its canvas after commit;
    returns the first step's job (the one an Idempotency-Key points at)."""
    await check_workflow(session=session, redis=redis, user=user, request=request)
    workflow, jobs = await add_workflow(session=session, user=user, request=request,
                                  first_job_id=job_id)
    await session.flush()
    start_after_commit(session, redis, user.id, [(workflow.id, refs_of(workflow, jobs))])
    return jobs[0]


async def get_workflow(*, session: AsyncSession, user: User,
                       workflow_id: uuid.UUID) -> Workflow:
    """The user's own workflow; another user's id reads as not found."""
    workflow = await session.get(Workflow, workflow_id)
    if workflow is None or workflow.user_id != user.id:
        raise NotFound("workflow", field="workflow_id")
    return workflow


async def workflow_jobs(session: AsyncSession, workflow: Workflow) -> list[Job]:
    jobs = {j.step: j for j in await session.scalars(
        select(Job).where(Job.workflow_id == workflow.id)
        .execution_options(populate_existing=True))}
    return [jobs[name] for name in workflow.steps if name in jobs]


async def cancel_workflow(*, session: AsyncSession, redis: aioredis.Redis, user: User,
                          workflow_id: uuid.UUID) -> Workflow:
    """Cancel the running step (through its cancel flag) and every step after it."""
    await get_workflow(session=session, user=user, workflow_id=workflow_id)

    def cancel(sync: Session) -> tuple[Workflow, list[dict[str, Any]], list[uuid.UUID]] | None:
        workflow = lock_workflow(sync, workflow_id)
        if workflow is None or is_final(workflow):
            return None
        cancelled = cancel_open_steps(sync, workflow_id, by="user")
        end_workflow(workflow, WorkflowState.CANCELLED)
        sync.flush()
        return workflow, ended_events(workflow.id, workflow.state, None, None,
                                      progress_of(sync, workflow), cancelled), cancelled

    outcome = await session.run_sync(cancel)
    if outcome is None:
        workflow = await get_workflow(session=session, user=user, workflow_id=workflow_id)
        raise AppError("not_cancellable", f"workflow is already {workflow.state}", 409,
                       field="workflow_id")
    workflow, events, cancelled = outcome

    async def _announce() -> None:
        await apublish_ended(redis, user.id, events, cancelled)

    after_commit(session, _announce)
    return workflow
