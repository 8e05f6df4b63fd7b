"""A step from the worker's side: what its body sees, its events, and what comes next."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from app.core.config import settings
from app.core.db import sync_session
from app.jobs.runtime import JobFailed, JobRun, worker_redis
from app.jobs.stored_inputs import fetch_output, result_key
from app.models import Job, JobState, Workflow, WorkflowState
from app.realtime import bus
from app.services.workflows.events import ended_events, publish_ended, publish_released
from app.services.workflows.plan import (
    WORKFLOW_PROGRESS,
    eta_s,
    overall_progress,
    spec_for,
    stage_event,
)
from app.services.workflows.steps import (
    StepRef,
    StepRow,
    all_succeeded,
    cancel_open_steps,
    end_workflow,
    is_final,
    lock_workflow,
    progress_of,
    ref,
    release_ready,
    step_rows,
)
from app.services.workflows.summary import failure, summary


@dataclass(frozen=True)
class StepLink:
    """The workflow a job belongs to, read before it is claimed."""

    job_id: uuid.UUID
    workflow_id: uuid.UUID
    step: str
    state: str
    user_id: uuid.UUID


@dataclass(frozen=True)
class Next:
    """After a step: keep Celery's canvas going, and the steps to publish by hand when the
    message that ran this step carried no canvas (a retry, a deferral, a sweeper resend)."""

    keep_chain: bool
    publish: list[StepRef] = field(default_factory=list)


def step_link(job_id: uuid.UUID) -> StepLink | None:
    with sync_session() as session:
        row = session.execute(select(Job.workflow_id, Job.step, Job.state, Job.user_id)
                              .where(Job.id == job_id)).first()
    if row is None or row.workflow_id is None:
        return None
    return StepLink(job_id, row.workflow_id, row.step, row.state, row.user_id)


BROKEN = (JobState.FAILED.value, JobState.DEAD.value, JobState.CANCELLED.value)


class Tracker:
    """Stage and throttled progress events of the workflow while one of its steps runs."""

    def __init__(self, run: JobRun, link: StepLink) -> None:
        self.run = run
        self.link = link
        self.names: list[str] = []
        self.states: dict[str, tuple[str, float]] = {}
        self.started_at = datetime.now(UTC)
        self._last = 0.0

    def begin(self) -> None:
        """Mark the workflow running in this step's stage and announce the stage."""
        stage = self.link.step.partition(":")[0]
        with sync_session() as session:
            row = session.execute(
                update(Workflow)
                .where(Workflow.id == self.link.workflow_id,
                       Workflow.state.in_([WorkflowState.PENDING.value,
                                           WorkflowState.RUNNING.value]))
                .values(state=WorkflowState.RUNNING.value, stage=stage,
                        started_at=func.coalesce(Workflow.started_at, func.now()))
                .returning(Workflow.steps, Workflow.started_at)).first()
            rows = step_rows(session, self.link.workflow_id) if row is not None else {}
            session.commit()
        if row is None:
            return
        self.names, self.started_at = list(row.steps), row.started_at
        self.states = {n: (r.state, r.progress) for n, r in rows.items()}
        self.states[self.link.step] = (JobState.STARTED.value, 0.0)
        self._emit("workflow.stage", 0.0)

    def progress(self, fraction: float) -> None:
        now = time.monotonic()
        if self.names and now - self._last >= settings.workflows.WORKFLOW_PROGRESS_EVENT_S:
            self._last = now
            self._emit(WORKFLOW_PROGRESS, fraction)

    def _emit(self, type_: str, fraction: float) -> None:
        self.states[self.link.step] = (JobState.PROGRESS.value, fraction)
        elapsed = (datetime.now(UTC) - self.started_at).total_seconds()
        publish_progress(
            worker_redis(), self.link.user_id, self.link.workflow_id,
            overall_progress(self.names, self.states),
            lambda overall: stage_event(
                self.link.workflow_id, stage=self.link.step.partition(":")[0],
                step=self.link.step, progress=overall, eta=eta_s(overall, elapsed),
                type_=type_, job_id=str(self.run.job_id), state=WorkflowState.RUNNING.value,
                step_progress=round(fraction, 4)))


_MAX_PROGRESS = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local offered = tonumber(ARGV[1])
if offered > current then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return ARGV[1]
end
return tostring(current)
"""
PROGRESS_KEY_TTL_S = 7 * 24 * 3600
PROGRESS_LOCK_S = 5  # held for two Redis calls; lapses on its own if a step dies inside


def publish_progress(client: Any, user_id: uuid.UUID, workflow_id: uuid.UUID, offered: float,
                     event: Callable[[float], dict[str, Any]]) -> str:
    """Publish `event(progress)` where progress is the highest offered for the workflow so
    far. Parallel steps each see their own snapshot of the others; taking the maximum and
    appending happen under one lock, or a step holding an older maximum could append after
    a step that raised it and a client would see the workflow go backwards."""
    with client.lock(f"workflow:{workflow_id}:progress-lock", timeout=PROGRESS_LOCK_S,
                     blocking_timeout=2 * PROGRESS_LOCK_S):
        overall = monotonic_progress(client, workflow_id, offered)
        return bus.publish_sync(client, user_id, event(overall))


def monotonic_progress(client: Any, workflow_id: uuid.UUID, progress: float) -> float:
    """The highest progress published for this workflow so far, this value included."""
    kept = client.eval(_MAX_PROGRESS, 1, f"workflow:{workflow_id}:progress",
                       repr(round(progress, 4)), PROGRESS_KEY_TTL_S)
    return float(kept.decode() if isinstance(kept, bytes) else kept)


class StepRun:
    """What a step body sees: the claimed job, its parameters and earlier steps' outputs."""

    def __init__(self, run: JobRun, tracker: Tracker | None) -> None:
        self.run = run
        self.tracker = tracker

    @property
    def params(self) -> dict[str, Any]:
        return self.run.params

    @property
    def job_id(self) -> uuid.UUID:
        return self.run.job_id

    @property
    def user_id(self) -> uuid.UUID:
        return self.run.user_id

    @property
    def workflow_id(self) -> uuid.UUID | None:
        return self.tracker.link.workflow_id if self.tracker is not None else None

    def progress(self, fraction: float, stage: str, *, force: bool = False) -> None:
        self.run.progress(fraction, stage, force=force)
        if self.tracker is not None:
            self.tracker.progress(fraction)

    def should_cancel(self) -> bool:
        return self.run.should_cancel()

    def earlier(self, step: str) -> StepRow:
        """The succeeded step `step` of this workflow: its result and output key."""
        if self.tracker is None:
            raise JobFailed("not_in_workflow", f"step {step!r} needs a workflow")
        with sync_session() as session:
            rows = step_rows(session, self.tracker.link.workflow_id)
        row = rows.get(step)
        if row is None or row.state != JobState.SUCCEEDED.value:
            raise JobFailed("input_missing", f"step {step!r} has no result to use")
        return row

    def output_of(self, step: str, into: Path) -> Path:
        """Download the output the succeeded step `step` stored into the folder `into`."""
        return fetch_output(self.earlier(step).output_key, step, into)

    def result_key(self, name: str) -> str:
        """Where this attempt stores its file `name`."""
        return result_key(self.run.user_id, self.run.job_id, self.run.attempt, name)


def _broken(rows: dict[str, StepRow], first: str) -> tuple[str, StepRow] | None:
    """A step that ended without succeeding (this one first): the workflow cannot finish.
    Another step gets here when it was cancelled on its own, through the job routes."""
    ordered = [first, *(n for n in rows if n != first)]
    return next(((n, rows[n]) for n in ordered if rows[n].state in BROKEN), None)


def after_step(link: StepLink) -> Next:
    """Apply the step's outcome to its workflow: release later steps, or fail or cancel it."""
    cancelled: list[uuid.UUID] = []
    released: list[StepRef] = []
    later: list[StepRef] = []
    with sync_session() as session:
        workflow = lock_workflow(session, link.workflow_id)
        rows = step_rows(session, link.workflow_id)
        if workflow is None or is_final(workflow) or link.step not in rows:
            session.commit()
            return Next(keep_chain=False)
        state = rows[link.step].state
        broken = _broken(rows, link.step)
        ended: WorkflowState | None = None
        if broken is not None:
            name, row = broken
            cancelled = cancel_open_steps(session, workflow.id, by=f"workflow_{row.state}")
            if row.state == JobState.CANCELLED.value:
                ended = WorkflowState.CANCELLED
                error = {"step": name, "job_id": str(row.job_id), "code": "step_cancelled",
                         "message": f"step {name} was cancelled"}
            else:
                ended = WorkflowState.FAILED
                error = failure(session, name, row.job_id)
            end_workflow(workflow, ended, error=error)
        elif state == JobState.SUCCEEDED.value:
            released = release_ready(session, workflow)
            done = all_succeeded(session, workflow)
            if done is not None:
                end_workflow(workflow, WorkflowState.SUCCEEDED, result=summary(done, workflow))
                ended = WorkflowState.SUCCEEDED
            elif released:
                top = max(r.level for r in released)
                later = [ref(r, workflow.steps) for r in step_rows(session, workflow.id).values()
                         if r.state == JobState.WAITING.value
                         and spec_for(r.step, workflow.steps).level > top]
        events = [] if ended is None else ended_events(
            workflow.id, workflow.state, workflow.error, workflow.result,
            progress_of(session, workflow), cancelled)
        session.commit()
    client = worker_redis()
    publish_released(client, link.user_id, released)
    publish_ended(client, link.user_id, events, cancelled)
    if state != JobState.SUCCEEDED.value or ended is not None:
        return Next(keep_chain=False)
    return Next(keep_chain=True, publish=released + later)
