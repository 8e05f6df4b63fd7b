"""A workflow as the API shows it: steps in order, weighted progress, ETA and label."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core.config import settings
from app.models import Job, JobState, Workflow
from app.schemas.workflow import StepRead, WorkflowRead
from app.services.workflows.plan import eta_s, label, overall_progress
from app.services.workflows.summary import result_url


def step_read(job: Job) -> StepRead:
    read = StepRead.model_validate({**{k: getattr(job, k) for k in StepRead.model_fields
                                       if k not in ("job_id", "result_url")},
                                    "job_id": job.id})
    if job.state == JobState.SUCCEEDED.value and job.output_key:
        read.result_url = result_url(job.id)
    return read


def current_step(workflow: Workflow, jobs: list[Job]) -> str | None:
    """The step a client should name: the failed one, else the latest that started."""
    if workflow.error and workflow.error.get("step"):
        return str(workflow.error["step"])
    started = [j for j in jobs if j.started_at is not None]
    return max(started, key=lambda j: j.started_at or datetime.min).step if started else None


def workflow_read(workflow: Workflow, jobs: list[Job]) -> WorkflowRead:
    states = {j.step or "": (j.state, j.progress) for j in jobs}
    progress = overall_progress(workflow.steps, states)
    eta = None
    if workflow.started_at is not None and workflow.finished_at is None:
        eta = eta_s(progress, (datetime.now(UTC) - workflow.started_at).total_seconds())
    step = current_step(workflow, jobs)
    return WorkflowRead(
        id=workflow.id, state=workflow.state, stage=workflow.stage,
        label=label(workflow.stage, step) if workflow.stage else None, progress=progress,
        eta_s=eta, params=workflow.params, steps=[step_read(j) for j in jobs],
        result=workflow.result, error=workflow.error, retries=workflow.retries,
        batch_id=workflow.batch_id, created_at=workflow.created_at,
        started_at=workflow.started_at, finished_at=workflow.finished_at,
        websocket=f"{settings.app.API_PREFIX}/ws")
