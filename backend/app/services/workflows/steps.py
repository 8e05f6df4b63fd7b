"""Step transitions shared by the API and the workers; each runs under the workflow's row lock.

The functions take a synchronous Session: workers pass their own, the API passes its
request transaction through `AsyncSession.run_sync`, so both run the same SQL.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.jobs.lifecycle import CANCELLABLE, transition
from app.models import Job, JobState, Workflow, WorkflowState
from app.models.workflow import WORKFLOW_FINAL
from app.services.workflows.plan import overall_progress, spec_for


@dataclass(frozen=True)
class StepRef:
    """What it takes to publish one step."""

    job_id: uuid.UUID
    step: str
    task_name: str
    queue: str
    priority: int
    level: int


@dataclass(frozen=True)
class StepRow:
    job_id: uuid.UUID
    step: str
    state: str
    progress: float
    task_name: str
    queue: str
    priority: int
    result: dict[str, Any] | None
    error: dict[str, Any] | None
    output_key: str | None


def lock_workflow(session: Session, workflow_id: uuid.UUID) -> Workflow | None:
    """The workflow row, locked until the transaction ends: step outcomes apply one by one."""
    return session.scalar(select(Workflow).where(Workflow.id == workflow_id).with_for_update()
                          .execution_options(populate_existing=True))


def step_rows(session: Session, workflow_id: uuid.UUID) -> dict[str, StepRow]:
    rows = session.execute(
        select(Job.id, Job.step, Job.state, Job.progress, Job.task_name, Job.queue,
               Job.priority, Job.result, Job.error, Job.output_key)
        .where(Job.workflow_id == workflow_id)).all()
    return {r.step: StepRow(r.id, r.step, r.state, r.progress, r.task_name, r.queue, r.priority,
                            r.result, r.error, r.output_key) for r in rows}


def progress_of(session: Session, workflow: Workflow) -> float:
    """The workflow's weighted progress from its steps' rows."""
    rows = step_rows(session, workflow.id)
    return overall_progress(workflow.steps, {n: (r.state, r.progress) for n, r in rows.items()})


def ref(row: StepRow, names: list[str]) -> StepRef:
    return StepRef(row.job_id, row.step, row.task_name, row.queue, row.priority,
                   spec_for(row.step, names).level)


def _level_done(rows: dict[str, StepRow], names: list[str], level: int) -> bool:
    return all(rows[n].state == JobState.SUCCEEDED.value for n in names
               if spec_for(n, names).level < level)


def release_ready(session: Session, workflow: Workflow) -> list[StepRef]:
    """Move waiting steps whose earlier levels all succeeded to `queued`; their refs."""
    names = workflow.steps
    rows = step_rows(session, workflow.id)
    ready = [rows[n] for n in names if rows[n].state == JobState.WAITING.value
             and _level_done(rows, names, spec_for(n, names).level)]
    if ready:
        session.execute(
            transition(JobState.QUEUED, Job.id.in_([r.job_id for r in ready]),
                       from_=JobState.WAITING, entry={"by": "workflow"},
                       queued_at=datetime.now(UTC)))
    return [ref(r, names) for r in ready]


def all_succeeded(session: Session, workflow: Workflow) -> dict[str, StepRow] | None:
    """Every step's row when all succeeded, else None."""
    rows = step_rows(session, workflow.id)
    if all(rows[n].state == JobState.SUCCEEDED.value for n in workflow.steps):
        return rows
    return None


def cancel_open_steps(session: Session, workflow_id: uuid.UUID, *,
                      by: str) -> list[uuid.UUID]:
    """Cancel every step not yet final (running ones stop through their cancel flag)."""
    ids = session.scalars(
        transition(JobState.CANCELLED, Job.workflow_id == workflow_id, from_=CANCELLABLE,
                   entry={"by": by}, finished_at=datetime.now(UTC))
        .returning(Job.id)).all()
    return list(ids)


def end_workflow(workflow: Workflow, state: WorkflowState, *,
                 error: dict[str, Any] | None = None,
                 result: dict[str, Any] | None = None) -> None:
    workflow.state = state.value
    workflow.stage = {WorkflowState.SUCCEEDED: "done"}.get(state, state.value)
    workflow.error = error
    workflow.result = result
    workflow.finished_at = datetime.now(UTC)


def is_final(workflow: Workflow) -> bool:
    return WorkflowState(workflow.state) in WORKFLOW_FINAL


def reset_for_retry(session: Session, workflow: Workflow) -> list[StepRef]:
    """Re-arm every step that did not succeed: the first open level `pending`, later ones
    `waiting`; results of succeeded steps stay and are reused. Returns the re-armed steps."""
    names = workflow.steps
    rows = step_rows(session, workflow.id)
    open_steps = [n for n in names if rows[n].state != JobState.SUCCEEDED.value]
    if not open_steps:
        return []
    first = min(spec_for(n, names).level for n in open_steps)
    for name in open_steps:
        target = JobState.PENDING if spec_for(name, names).level == first else JobState.WAITING
        session.execute(
            transition(target, Job.id == rows[name].job_id,
                       from_=(JobState.FAILED, JobState.DEAD, JobState.CANCELLED,
                              JobState.WAITING),
                       entry={"by": "workflow_retry"}, error=None, result=None,
                       output_key=None, progress=0.0, stage=None, retries=0, finished_at=None,
                       retry_at=None, queued_at=None))
    workflow.state = WorkflowState.RUNNING.value
    workflow.error = None
    workflow.result = None
    workflow.finished_at = None
    workflow.retries += 1
    return [ref(rows[n], names) for n in open_steps]
