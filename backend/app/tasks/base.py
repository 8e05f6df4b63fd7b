"""The base of every job task: claim once, run the domain code, record the outcome."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from celery import Task
from sqlalchemy import update

from app.core.db import sync_session
from app.core.logging import bind, unbind
from app.media import RenderCancelled
from app.models import Job, JobState
from app.models.job import CLAIMABLE_STATES
from app.realtime.events import JOB_FAILED, JOB_STARTED, JOB_SUCCEEDED
from app.services.job_state import history_append
from app.storage import get_storage
from app.tasks.runtime import RUNNING, JobFailed, JobRun

log = logging.getLogger(__name__)

JobBody = Callable[[JobRun], dict[str, Any]]


def claim(job_id: uuid.UUID, worker: str) -> JobRun | None:
    """Move the job to `started` if nobody has; a redelivered message gets None."""
    now = datetime.now(UTC)
    with sync_session() as session:
        row = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state.in_([s.value for s in CLAIMABLE_STATES]))
            .values(state=JobState.STARTED.value, started_at=now, heartbeat_at=now,
                    worker=worker, attempts=Job.attempts + 1,
                    history=history_append(JobState.STARTED, worker=worker))
            .returning(Job.user_id, Job.params, Job.attempts)
        ).first()
        session.commit()
    if row is None:
        return None
    return JobRun(job_id=job_id, user_id=row.user_id, params=row.params, attempt=row.attempts)


def finish(run: JobRun, state: JobState, **values: Any) -> bool:
    """Record a final state, only if the job is still running (not cancelled meanwhile)."""
    with sync_session() as session:
        done = session.execute(
            update(Job).where(Job.id == run.job_id, Job.state.in_(RUNNING))
            .values(state=state.value, finished_at=datetime.now(UTC),
                    history=history_append(state), **values)
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
    return bool(done)


class JobTask(Task):  # type: ignore[misc]
    """Tasks take a job id, never objects; the job row says what to do."""

    abstract = True

    def run_job(self, job_id: str, body: JobBody) -> str:
        job_uuid = uuid.UUID(job_id)
        token = bind(job_id=job_id, task=self.name,
                     queue=(self.request.delivery_info or {}).get("routing_key"))
        try:
            run = claim(job_uuid, self.request.hostname or "worker")
            if run is None:
                log.info("job.claim_skipped")
                return "skipped"
            bind(user_id=str(run.user_id))
            run.emit(JOB_STARTED, state=JobState.STARTED.value, attempt=run.attempt)
            log.info("job.started")
            return self._execute(run, body)
        finally:
            unbind(token)

    def _execute(self, run: JobRun, body: JobBody) -> str:
        try:
            result = body(run)
        except RenderCancelled:
            log.info("job.cancelled_while_running")
            return "cancelled"
        except JobFailed as exc:
            return self._fail(run, exc.code, exc.message)
        except Exception as exc:
            log.exception("job.crashed")
            return self._fail(run, "internal_error", f"{type(exc).__name__}: {exc}")
        output_key = result.pop("output_key", None)
        if finish(run, JobState.SUCCEEDED, result=result, output_key=output_key, progress=1.0,
                  stage="done"):
            run.emit(JOB_SUCCEEDED, state=JobState.SUCCEEDED.value, result=result)
            log.info("job.succeeded")
            return "succeeded"
        if output_key:
            get_storage().delete(output_key)  # cancelled while finishing: keep nothing
        return "cancelled"

    def _fail(self, run: JobRun, code: str, message: str) -> str:
        error = {"code": code, "message": message, "attempt": run.attempt}
        if finish(run, JobState.FAILED, error=error):
            run.emit(JOB_FAILED, state=JobState.FAILED.value, error=error)
            log.warning("job.failed", extra={"code": code})
        return "failed"
