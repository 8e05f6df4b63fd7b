"""Workflow steps on Celery: the canvas that carries them, and the wrapper every step runs in.

Canvas: chain(content, voice, render, chord(group(optimize per platform), publish)), or
the group alone at the end when there is no publish step. Every signature is immutable
(`si`): a step reads its inputs from the earlier steps' job rows, never from a return value.
The canvas is only the transport: a step whose message lost it (retry, deferral, sweeper
resend) publishes the rest of the workflow itself once it succeeds.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from itertools import groupby
from typing import Any

from celery import chord, group
from celery.canvas import Signature

from app.jobs.names import TaskName
from app.jobs.priority import to_broker
from app.jobs.publish import publish_steps
from app.jobs.runtime import JobRun
from app.models import JobState
from app.services.workers.reel_render import render_reel
from app.services.workflows.runtime import StepLink, StepRun, Tracker, after_step, step_link
from app.services.workflows.steps import StepRef
from app.tasks.app import celery_app
from app.tasks.base import JobTask

log = logging.getLogger(__name__)

StepBody = Callable[[StepRun], dict[str, Any]]


def signature_for(step: StepRef) -> Signature:
    return celery_app.signature(step.task_name, args=[str(step.job_id)], immutable=True,
                                queue=step.queue, priority=to_broker(step.priority))


def build_canvas(steps: list[StepRef]) -> Signature:
    """Levels in order; a level of several steps is a group, and a chord when more follow."""
    levels = [[signature_for(s) for s in level]
              for _, level in groupby(sorted(steps, key=lambda s: (s.level, s.step)),
                                      key=lambda s: s.level)]
    canvas: Signature | None = None
    for level in reversed(levels):
        part = level[0] if len(level) == 1 else group(level)
        if canvas is None:
            canvas = part
        elif len(level) > 1:
            canvas = chord(part, canvas)
        else:
            canvas = part | canvas
    if canvas is None:
        raise ValueError("no steps to publish")
    return canvas


def _body(body: StepBody, link: StepLink | None) -> Callable[[JobRun], dict[str, Any]]:
    def run(job_run: JobRun) -> dict[str, Any]:
        tracker = Tracker(job_run, link) if link is not None else None
        if tracker is not None:
            tracker.begin()
        return body(StepRun(job_run, tracker))
    return run


def run_step(task: JobTask, job_id: str, body: StepBody) -> str:
    """Run a job that may be a workflow step, then move its workflow on."""
    link = step_link(uuid.UUID(job_id))
    if link is None:
        return task.run_job(job_id, _body(body, None))
    if link.state == JobState.WAITING.value:
        # an early message (a chord whose members did not all succeed): the step that
        # releases this one publishes it
        task.request.chain = None
        log.info("workflow.step_not_ready", extra={"job_id": job_id, "step": link.step})
        return "waiting"
    outcome = task.run_job(job_id, _body(body, link))
    carried = bool(task.request.chain) or task.request.chord is not None
    following = after_step(link)
    if not following.keep_chain:
        task.request.chain = None
    elif following.publish and not carried:
        try:
            publish_steps(following.publish)
        except Exception:  # the released steps are `queued`: the sweeper resends them
            log.exception("workflow.publish_failed", extra={"job_id": job_id})
    return outcome


@celery_app.task(name=TaskName.VIDEO_REEL.value, bind=True, base=JobTask)
def render_reel_step(self: JobTask, job_id: str) -> str:
    """Render the reel of workflow step `job_id`."""
    return run_step(self, job_id, render_reel)
