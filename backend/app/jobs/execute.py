"""Running one delivered job: claim it once, run its body, record the outcome.

Transient errors retry with full-jitter backoff up to the task's policy, then the job is
`dead` (kept with its arguments for an admin to requeue); permanent errors fail at once.
Plain Python over the lifecycle: the Celery adapter (`app.tasks.base.JobTask`) only says
which message arrived and where, and what to do once a job ends (its webhooks).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from app.core.db import sync_session
from app.core.logging import bind, unbind
from app.jobs import fair_share
from app.jobs.claim import HEARTBEAT_S, Busy, Running, attempt_entry, claim, finish
from app.jobs.policy import RetryPolicy, is_transient, policy_for
from app.jobs.publish import publish_job
from app.jobs.runtime import JobFailed, JobRun
from app.media import RenderCancelled, RenderTimeout
from app.models import Job, JobState
from app.realtime.events import JOB_DEAD, JOB_FAILED, JOB_RETRYING, JOB_STARTED, JOB_SUCCEEDED
from app.storage import get_storage

log = logging.getLogger(__name__)

JobBody = Callable[[JobRun], dict[str, Any]]
USER_LIMIT_RECHECK_S = 2.0


@dataclass(frozen=True)
class Delivery:
    """One message as the worker received it."""

    task_name: str
    queue: str
    worker: str
    on_final: Callable[[uuid.UUID], None]  # after succeeded, failed or dead (webhooks)


def run_job(job_id: str, body: JobBody, delivery: Delivery) -> str:
    """Claim `job_id` and run `body` on it; the outcome's name ("succeeded", "deferred"…)."""
    job_uuid = uuid.UUID(job_id)
    policy = policy_for(delivery.task_name)
    token = bind(job_id=job_id, task=delivery.task_name, queue=delivery.queue)
    try:
        outcome = claim(job_uuid, delivery.worker, policy)
        if outcome is Busy.FINISHED:
            log.info("job.claim_skipped")
            return "skipped"
        if isinstance(outcome, Running):
            return _defer(job_uuid, delivery, outcome.recheck_s)
        if outcome is Busy.USER_AT_LIMIT:
            return _defer(job_uuid, delivery, USER_LIMIT_RECHECK_S)
        bind(user_id=str(outcome.user_id))
        # the claim took a message off the user's share: release a held job
        fair_share.release_next(outcome.user_id)
        return _Attempt(outcome, delivery, policy).execute(body)
    finally:
        unbind(token)


def _defer(job_id: uuid.UUID, delivery: Delivery, countdown_s: float) -> str:
    """The job cannot start now; send its message again after `countdown_s`."""
    publish_job(job_id=job_id, task_name=delivery.task_name, queue=delivery.queue,
                priority=5, countdown=countdown_s)
    log.info("job.claim_deferred", extra={"countdown_s": countdown_s})
    return "deferred"


def _points_at(job_id: uuid.UUID, key: str) -> bool:
    with sync_session() as session:
        return session.scalar(select(Job.output_key).where(Job.id == job_id)) == key


class _Attempt:
    """One claimed attempt and the ways it can end."""

    def __init__(self, run: JobRun, delivery: Delivery, policy: RetryPolicy) -> None:
        self.run, self.delivery, self.policy = run, delivery, policy

    def execute(self, body: JobBody) -> str:
        run = self.run
        if run.retries > self.policy.max_retries:
            return self._dead({"code": "worker_lost", "attempt": run.attempt,
                               "message": "the worker running this job was lost too often"})
        if run.queued_event is not None:
            run.announce(run.queued_event)
        run.emit(JOB_STARTED, state=JobState.STARTED.value, attempt=run.attempt)
        log.info("job.started", extra={"attempt": run.attempt})
        run.start_heartbeat(HEARTBEAT_S)
        try:
            result = body(run)
        except RenderCancelled:
            log.info("job.cancelled_while_running")
            return "cancelled"
        except JobFailed as exc:
            return self._fail({"code": exc.code, "message": exc.message,
                               "attempt": run.attempt})
        except RenderTimeout as exc:  # the job's own size: permanent (jobs/policy.py)
            return self._fail({"code": "render_timeout", "message": f"{exc}; shorten the "
                               "timeline or lower its resolution", "attempt": run.attempt})
        except Exception as exc:
            error = {"code": "transient_error" if is_transient(exc) else "internal_error",
                     "message": f"{type(exc).__name__}: {exc}", "attempt": run.attempt}
            if not is_transient(exc):
                log.exception("job.crashed")
                return self._fail(error)
            log.warning("job.transient_error", extra={"error": error["message"]})
            return self._retry_or_dead(error)
        finally:
            run.stop_heartbeat()
        return self._succeed(result)

    def _log_entry(self, error: dict[str, Any] | None) -> Any:
        return attempt_entry(self.run, self.delivery.worker, error)

    def _succeed(self, result: dict[str, Any]) -> str:
        run = self.run
        output_key = result.pop("output_key", None)
        if finish(run, JobState.SUCCEEDED, result=result, output_key=output_key, progress=1.0,
                  stage="done", error=None, finished_at=datetime.now(UTC),
                  attempt_log=self._log_entry(None)):
            run.emit(JOB_SUCCEEDED, state=JobState.SUCCEEDED.value, result=result)
            self.delivery.on_final(run.job_id)
            log.info("job.succeeded")
            return "succeeded"
        if output_key and not _points_at(run.job_id, output_key):
            # lost while finishing (cancelled, or taken over as stale): keep nothing of
            # this attempt's, but never a key the row has come to point at
            get_storage().delete(output_key)
        return "cancelled"

    def _fail(self, error: dict[str, Any]) -> str:
        return self._end(JobState.FAILED, JOB_FAILED, error, logging.WARNING)

    def _dead(self, error: dict[str, Any]) -> str:
        return self._end(JobState.DEAD, JOB_DEAD, error, logging.ERROR)

    def _end(self, state: JobState, kind: str, error: dict[str, Any], level: int) -> str:
        """Record a final failure (failed or dead) if this attempt still owns the job."""
        run = self.run
        if finish(run, state, error=error, finished_at=datetime.now(UTC),
                  attempt_log=self._log_entry(error)):
            run.emit(kind, state=state.value, error=error)
            self.delivery.on_final(run.job_id)
            log.log(level, f"job.{state.value}", extra={"code": error["code"]})
        return state.value

    def _retry_or_dead(self, error: dict[str, Any]) -> str:
        run = self.run
        if run.retries >= self.policy.max_retries:
            return self._dead(error)
        delay = self.policy.backoff_s(run.retries + 1)
        due = datetime.now(UTC) + timedelta(seconds=delay)
        if not finish(run, JobState.RETRYING, error=error, retries=Job.retries + 1,
                      retry_at=due, attempt_log=self._log_entry(error)):
            return "cancelled"
        run.emit(JOB_RETRYING, state=JobState.RETRYING.value, error=error,
                 retry_in_s=round(delay, 3), attempt=run.attempt)
        # if this publish is lost, the sweeper re-publishes retrying jobs past their due time
        publish_job(job_id=run.job_id, task_name=run.task_name, queue=run.queue,
                    priority=run.priority, countdown=delay)
        return "retrying"
