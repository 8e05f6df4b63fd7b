"""The base of every job task: claim once, run the domain code, record the outcome.

Transient errors retry with full-jitter backoff up to the task's policy, then the job is
`dead` (kept with its arguments for an admin to requeue); permanent errors fail at once.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from celery import Task

from app.core.logging import bind, unbind
from app.jobs import fair_share
from app.jobs.claim import Busy, attempt_entry, claim, finish
from app.jobs.policy import RetryPolicy, is_transient, policy_for
from app.jobs.publish import publish_job
from app.jobs.runtime import JobFailed, JobRun
from app.media import RenderCancelled
from app.models import Job, JobState
from app.realtime.events import (
    JOB_DEAD,
    JOB_FAILED,
    JOB_RETRYING,
    JOB_STARTED,
    JOB_SUCCEEDED,
)
from app.storage import get_storage
from app.tasks.webhooks import enqueue_job_webhooks

log = logging.getLogger(__name__)

JobBody = Callable[[JobRun], dict[str, Any]]
HEARTBEAT_S = 3.0
USER_LIMIT_RECHECK_S = 2.0


class JobTask(Task):  # type: ignore[misc]
    """Tasks take a job id, never objects; the job row says what to do."""

    abstract = True

    @property
    def worker_name(self) -> str:
        return str(self.request.hostname or "worker")

    def run_job(self, job_id: str, body: JobBody) -> str:
        job_uuid = uuid.UUID(job_id)
        policy = policy_for(self.name)
        token = bind(job_id=job_id, task=self.name,
                     queue=(self.request.delivery_info or {}).get("routing_key"))
        try:
            outcome = claim(job_uuid, self.worker_name, policy)
            if outcome is Busy.FINISHED:
                log.info("job.claim_skipped")
                return "skipped"
            if outcome is Busy.RUNNING:
                return self._defer(job_uuid, policy.stale_after_s + HEARTBEAT_S)
            if outcome is Busy.USER_AT_LIMIT:
                return self._defer(job_uuid, USER_LIMIT_RECHECK_S)
            bind(user_id=str(outcome.user_id))
            # the claim took a message off the user's share: release a held job
            fair_share.release_next(outcome.user_id, outcome.queue)
            return self._execute(outcome, body, policy)
        finally:
            unbind(token)

    def _defer(self, job_id: uuid.UUID, countdown_s: float) -> str:
        """The job cannot start now; send its message again after `countdown_s`."""
        request = self.request
        publish_job(job_id=job_id, task_name=self.name,
                    queue=(request.delivery_info or {}).get("routing_key") or "default",
                    priority=5, countdown=countdown_s)
        log.info("job.claim_deferred", extra={"countdown_s": countdown_s})
        return "deferred"

    def _execute(self, run: JobRun, body: JobBody, policy: RetryPolicy) -> str:
        if run.retries > policy.max_retries:
            return self._dead(run, {"code": "worker_lost", "attempt": run.attempt,
                                    "message": "the worker running this job was lost too often"})
        run.emit(JOB_STARTED, state=JobState.STARTED.value, attempt=run.attempt)
        log.info("job.started", extra={"attempt": run.attempt})
        run.start_heartbeat(HEARTBEAT_S)
        try:
            result = body(run)
        except RenderCancelled:
            log.info("job.cancelled_while_running")
            return "cancelled"
        except JobFailed as exc:
            return self._fail(run, {"code": exc.code, "message": exc.message,
                                    "attempt": run.attempt})
        except Exception as exc:
            error = {"code": "transient_error" if is_transient(exc) else "internal_error",
                     "message": f"{type(exc).__name__}: {exc}", "attempt": run.attempt}
            if not is_transient(exc):
                log.exception("job.crashed")
                return self._fail(run, error)
            log.warning("job.transient_error", extra={"error": error["message"]})
            return self._retry_or_dead(run, error, policy)
        finally:
            run.stop_heartbeat()
        return self._succeed(run, result)

    def _succeed(self, run: JobRun, result: dict[str, Any]) -> str:
        output_key = result.pop("output_key", None)
        if finish(run, JobState.SUCCEEDED, result=result, output_key=output_key, progress=1.0,
                  stage="done", error=None, finished_at=datetime.now(UTC),
                  attempt_log=attempt_entry(run, self.worker_name, None)):
            run.emit(JOB_SUCCEEDED, state=JobState.SUCCEEDED.value, result=result)
            enqueue_job_webhooks(run.job_id)
            log.info("job.succeeded")
            return "succeeded"
        if output_key:
            get_storage().delete(output_key)  # cancelled while finishing: keep nothing
        return "cancelled"

    def _fail(self, run: JobRun, error: dict[str, Any]) -> str:
        if finish(run, JobState.FAILED, error=error, finished_at=datetime.now(UTC),
                  attempt_log=attempt_entry(run, self.worker_name, error)):
            run.emit(JOB_FAILED, state=JobState.FAILED.value, error=error)
            enqueue_job_webhooks(run.job_id)
            log.warning("job.failed", extra={"code": error["code"]})
        return "failed"

    def _dead(self, run: JobRun, error: dict[str, Any]) -> str:
        if finish(run, JobState.DEAD, error=error, finished_at=datetime.now(UTC),
                  attempt_log=attempt_entry(run, self.worker_name, error)):
            run.emit(JOB_DEAD, state=JobState.DEAD.value, error=error)
            enqueue_job_webhooks(run.job_id)
            log.error("job.dead", extra={"code": error["code"]})
        return "dead"

    def _retry_or_dead(self, run: JobRun, error: dict[str, Any], policy: RetryPolicy) -> str:
        if run.retries >= policy.max_retries:
            return self._dead(run, error)
        delay = policy.backoff_s(run.retries + 1)
        due = datetime.now(UTC) + timedelta(seconds=delay)
        if not finish(run, JobState.RETRYING, error=error, retries=Job.retries + 1,
                      retry_at=due, attempt_log=attempt_entry(run, self.worker_name, error)):
            return "cancelled"
        run.emit(JOB_RETRYING, state=JobState.RETRYING.value, error=error,
                 retry_in_s=round(delay, 3), attempt=run.attempt)
        # if this publish is lost, the sweeper re-publishes retrying jobs past their due time
        publish_job(job_id=run.job_id, task_name=run.task_name, queue=run.queue,
                    priority=run.priority, countdown=delay)
        return "retrying"
