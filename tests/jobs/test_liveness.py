"""Liveness leases on real PostgreSQL and Redis: a running job whose owner's lease lapsed is
taken over at once and the lost attempt is fenced; a live owner, however slow, keeps its
job; an owner without a lease waits for the stale heartbeat as before."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from app.core.config import settings
from app.jobs import liveness
from app.jobs.claim import Running, claim, finish
from app.jobs.policy import DEFAULT_POLICY
from app.jobs.runtime import JobRun, worker_redis
from app.models import JobState
from tests.ops.rows import add_jobs, job, make_user, stored_job

TTL_S = settings.broker.WORKER_LEASE_TTL_S


def _running(owner: str, heartbeat_age_s: float = 0.0) -> uuid.UUID:
    now = datetime.now(UTC)
    row = job(make_user(), created=now, state="progress", run_s=None)
    row.update(worker=owner, started_at=now, heartbeat_at=now - timedelta(
        seconds=heartbeat_age_s), params={"n": 1})
    add_jobs([row])
    return uuid.UUID(str(row["id"]))



def _old_run(job_id: uuid.UUID) -> JobRun:
    row = stored_job(job_id)
    return JobRun(job_id=job_id, user_id=row.user_id, params=row.params, attempt=row.attempts,
                  retries=row.retries, task_name=row.task_name, queue=row.queue,
                  priority=row.priority, callback_url=None)


def test_a_lapsed_lease_hands_the_job_over_at_once() -> None:
    dead = f"video@gone{liveness.MARK}4242.{uuid.uuid4().hex[:8]}"  # no key: lapsed
    job_id = _running(dead)  # heartbeat fresh: the stale rule alone would wait a minute
    lost = _old_run(job_id)
    taken = claim(job_id, "video@here", DEFAULT_POLICY)
    assert isinstance(taken, JobRun) and taken.attempt == 2 and taken.retries == 1
    row = stored_job(job_id)
    assert row.state == JobState.STARTED.value and row.worker == liveness.hold("video@here")
    assert [(e["attempt"], e["worker"], e["error"]["code"]) for e in row.attempt_log] == [
        (1, dead, "worker_lost")]
    # the lost attempt is fenced: whatever it finishes is not recorded
    assert finish(lost, JobState.SUCCEEDED, progress=1.0) is False
    assert finish(taken, JobState.SUCCEEDED, progress=1.0) is True


def test_a_live_owner_keeps_its_job_past_the_lease_ttl() -> None:
    owner = liveness.hold("video@busy")  # this process: its lease thread keeps the key
    job_id = _running(owner)
    end = time.monotonic() + 2 * TTL_S
    checks = 0
    while time.monotonic() < end:  # longer than a lease lives without its refresh
        waiting = claim(job_id, "video@other", DEFAULT_POLICY)
        assert isinstance(waiting, Running), waiting
        assert 0 < waiting.recheck_s <= TTL_S + 0.5  # look again once it could have lapsed
        checks += 1
        time.sleep(0.5)  # polling interval of a bounded check over time
    row = stored_job(job_id)
    assert checks >= 4 and row.attempts == 1 and row.worker == owner and row.attempt_log == []


def test_an_owner_without_a_lease_waits_for_the_stale_heartbeat() -> None:
    job_id = _running("video@before-leases")
    waiting = claim(job_id, "video@other", DEFAULT_POLICY)
    assert waiting == Running(DEFAULT_POLICY.stale_after_s + 3.0)
    old = _running("video@before-leases", heartbeat_age_s=DEFAULT_POLICY.stale_after_s + 1)
    taken = claim(old, "video@other", DEFAULT_POLICY)
    assert isinstance(taken, JobRun) and taken.attempt == 2


def test_a_lease_expires_when_no_longer_refreshed() -> None:
    owner = f"video@x{liveness.MARK}1.{uuid.uuid4().hex[:8]}"
    worker_redis().set(f"alive:{owner}", 1, px=300)
    left = liveness.left_s(owner)
    assert left is not None and 0 < left <= 0.3
    job_id = _running(owner)
    first = claim(job_id, "video@other", DEFAULT_POLICY)
    assert isinstance(first, Running) and first.recheck_s <= 0.8
    end = time.monotonic() + 5
    while liveness.left_s(owner) != 0.0:  # bounded wait for Redis to expire the key
        assert time.monotonic() < end
        time.sleep(0.05)
    assert isinstance(claim(job_id, "video@other", DEFAULT_POLICY), JobRun)
    assert isinstance(claim(job_id, "video@third", DEFAULT_POLICY), Running)  # now ours
