"""A claimed job as a worker sees it: parameters, progress, heartbeat and cancellation."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import redis
from sqlalchemy import update

from app.core.config import settings
from app.core.db import sync_session
from app.jobs.lifecycle import cancel_key, transition
from app.models import Job, JobState
from app.realtime import bus
from app.realtime.events import JOB_PROGRESS, job_event

log = logging.getLogger(__name__)

RUNNING = (JobState.STARTED.value, JobState.PROGRESS.value)
EVENT_INTERVAL_S = 0.2  # at most five progress events a second per job
ETA_AFTER_FRACTION = 0.02


class JobFailed(Exception):
    """A permanent failure with a stable code: retrying would fail the same way."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@lru_cache(maxsize=1)
def worker_redis() -> redis.Redis:
    """One client per worker process, created after the fork."""
    return redis.Redis.from_url(settings.broker.REDIS_URL, socket_timeout=10)


class Heartbeat(threading.Thread):
    """Beats every `interval_s` while the job body runs, even in a silent stage."""

    def __init__(self, run: JobRun, interval_s: float) -> None:
        super().__init__(name=f"heartbeat-{run.job_id}", daemon=True)
        self._run_ref = run
        self._interval = interval_s
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(self._interval):
            try:
                if not self._run_ref.beat():
                    return
            except Exception:  # a missed beat is retried next interval; never kill the job
                log.warning("job.heartbeat_failed", exc_info=True)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)


class JobRun:
    """Progress goes to the user's event stream at once and to the job row every second."""

    def __init__(self, *, job_id: uuid.UUID, user_id: uuid.UUID, params: dict[str, Any],
                 attempt: int, retries: int = 0, task_name: str = "", queue: str = "",
                 priority: int = 5, callback_url: str | None = None,
                 queued_event: dict[str, Any] | None = None) -> None:
        self.job_id = job_id
        self.user_id = user_id
        self.params = params
        self.attempt = attempt
        self.retries = retries
        self.task_name = task_name
        self.queue = queue
        self.priority = priority
        self.callback_url = callback_url
        # `job.queued`, when the claim recorded it (the message beat the publisher's mark)
        self.queued_event = queued_event
        self.started = time.monotonic()
        self.started_wall = datetime.now(UTC).isoformat()
        self._heartbeat: Heartbeat | None = None
        self._last_event = 0.0
        self._last_db = time.monotonic()
        self._cancelled = False
        self._progressing = False  # the row has left `started` for `progress`

    def emit(self, type_: str, **fields: Any) -> None:
        self.announce(job_event(type_, self.job_id, **fields))

    def announce(self, event: dict[str, Any]) -> None:
        bus.publish_sync(worker_redis(), self.user_id, event)

    def eta_s(self, fraction: float) -> float | None:
        if fraction < ETA_AFTER_FRACTION:
            return None
        elapsed = time.monotonic() - self.started
        return round(elapsed * (1.0 - fraction) / fraction, 1)

    def progress(self, fraction: float, stage: str, *, force: bool = False,
                 eta_s: float | None = None) -> None:
        """Report progress (0..1) in `stage`; cheap to call often. A domain ETA (e.g. the
        renderer's smoothed one) is used when given, else one from the job's own pace."""
        now = time.monotonic()
        fraction = max(0.0, min(1.0, fraction))
        if force or now - self._last_event >= EVENT_INTERVAL_S:
            self._last_event = now
            eta = round(eta_s, 1) if eta_s is not None else self.eta_s(fraction)
            self.emit(JOB_PROGRESS, state=JobState.PROGRESS.value, progress=round(fraction, 4),
                      stage=stage, eta_s=eta)
        if force or now - self._last_db >= settings.realtime.PROGRESS_DB_INTERVAL_S:
            self._last_db = now
            self._write_progress(fraction, stage)

    def _mine(self) -> Any:
        """This attempt still owns the row (not cancelled, not taken over)."""
        return (Job.id == self.job_id) & Job.state.in_(RUNNING) & (Job.attempts == self.attempt)

    def _write_progress(self, fraction: float, stage: str) -> None:
        with sync_session() as session:
            if not self._progressing:
                # `started` → `progress` commits on its own: a second UPDATE of a row version
                # this transaction wrote runs the workflow foreign key's check (FOR KEY SHARE
                # on the workflow), which waits behind a workflow cancel holding the workflow
                # while the cancel waits for this row: a deadlock.
                session.execute(
                    transition(JobState.PROGRESS, self._mine(), from_=JobState.STARTED))
                session.commit()
                self._progressing = True
            done = session.execute(
                update(Job).where(self._mine())
                .values(progress=fraction, stage=stage, heartbeat_at=datetime.now(UTC))
            ).rowcount  # type: ignore[attr-defined]
            session.commit()
        if done == 0:
            self._cancelled = True  # the row left the running states: cancelled or reaped

    def beat(self) -> bool:
        """Refresh the heartbeat; False once the attempt no longer owns the job."""
        with sync_session() as session:
            done = session.execute(
                update(Job).where(self._mine()).values(heartbeat_at=datetime.now(UTC))
            ).rowcount  # type: ignore[attr-defined]
            session.commit()
        if done == 0:
            self._cancelled = True
        return bool(done)

    def start_heartbeat(self, interval_s: float) -> None:
        self._heartbeat = Heartbeat(self, interval_s)
        self._heartbeat.start()

    def stop_heartbeat(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.stop()

    def should_cancel(self) -> bool:
        """True once the job was cancelled through the API."""
        if not self._cancelled and worker_redis().exists(cancel_key(self.job_id)):
            self._cancelled = True
        return self._cancelled
