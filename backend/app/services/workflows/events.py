"""Events a workflow sends when steps are released and when it ends, with cancel flags."""

from __future__ import annotations

import uuid
from typing import Any

import redis
import redis.asyncio as aioredis

from app.jobs.lifecycle import cancel_key
from app.models import JobState
from app.realtime import bus
from app.realtime.events import JOB_CANCELLED, JOB_QUEUED, job_event
from app.services.workflows.plan import stage_event
from app.services.workflows.steps import StepRef

CANCEL_KEY_TTL_S = 24 * 3600  # as long as a cancelled job's message could still arrive


def released_events(refs: list[StepRef]) -> list[dict[str, Any]]:
    return [job_event(JOB_QUEUED, r.job_id, state=JobState.QUEUED.value, queue=r.queue,
                      priority=r.priority, step=r.step) for r in refs]


def ended_events(workflow_id: uuid.UUID, state: str, error: dict[str, Any] | None,
                 result: dict[str, Any] | None, progress: float,
                 cancelled: list[uuid.UUID]) -> list[dict[str, Any]]:
    """`job.cancelled` for each step stopped, then the workflow's last `workflow.stage`."""
    events = [job_event(JOB_CANCELLED, job_id, state=JobState.CANCELLED.value)
              for job_id in cancelled]
    stage = "done" if state == "succeeded" else state
    events.append(stage_event(workflow_id, stage=stage, step=(error or {}).get("step"),
                              progress=progress, eta=None, state=state, error=error,
                              result=result))
    return events


def publish_released(client: redis.Redis, user_id: uuid.UUID, refs: list[StepRef]) -> None:
    for event in released_events(refs):
        bus.publish_sync(client, user_id, event)


def publish_ended(client: redis.Redis, user_id: uuid.UUID, events: list[dict[str, Any]],
                  cancelled: list[uuid.UUID]) -> None:
    """Raise the cancel flags first, so a running step stops before clients hear of it."""
    for job_id in cancelled:
        client.set(cancel_key(job_id), "1", ex=CANCEL_KEY_TTL_S)
    for event in events:
        bus.publish_sync(client, user_id, event)


async def apublish_ended(client: aioredis.Redis, user_id: uuid.UUID,
                         events: list[dict[str, Any]], cancelled: list[uuid.UUID]) -> None:
    """The API's side of `publish_ended`."""
    for job_id in cancelled:
        await client.set(cancel_key(job_id), "1", ex=CANCEL_KEY_TTL_S)
    for event in events:
        await bus.publish(client, user_id, event)
