"""The operator console's API: performance over time with failure-rate alerts, dead-letter
filters and discard, and the accounts list."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select

from app.core.config import settings
from app.models import Job
from tests.api.test_stats import delete_jobs, insert_jobs, percentile_cont
from tests.support.canary import insert_canary
from tests.support.fixtures import Account, _update_user, set_active
from tests.support.processes import CeleryWorker

HISTORY = "/api/v1/tasks/stats/performance/history"
DEAD = "/api/v1/admin/dead-letters"
DISCARD = "/api/v1/admin/dead-letters/discard"
USERS = "/api/v1/admin/users"


@pytest.fixture(scope="module")
def canary_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """A default-queue worker for this module only: the session's `default_worker` would go on
    taking default-queue jobs under tests/deploy, whose supervised worker must run its own."""
    with CeleryWorker.running(name="console", queues="default", concurrency=1,
                              log_dir=tmp_root / "logs") as proc:
        yield proc


@pytest.fixture(scope="module")
def db() -> Iterator[Engine]:
    engine = create_engine(settings.database.sync_url)
    yield engine
    engine.dispose()


def finished_rows(task: str, outcomes: list[tuple[str, float, float, float]]
                  ) -> list[dict[str, Any]]:
    """(state, run s, wait s, finished minutes ago) as job rows of `task`."""
    now = datetime.now(UTC)
    rows = []
    for state, run_s, wait_s, ago_min in outcomes:
        finished = now - timedelta(minutes=ago_min)
        started = finished - timedelta(seconds=run_s)
        rows.append({"task_name": task, "queue": "default", "state": state, "attempts": 1,
                     "created_at": started - timedelta(seconds=wait_s),
                     "queued_at": started - timedelta(seconds=wait_s),
                     "started_at": started, "finished_at": finished})
    return rows


def test_history_buckets_match_the_rows(admin_account: Account, db: Engine) -> None:
    task = f"history.test_{uuid.uuid4().hex[:8]}"
    outcomes = [("succeeded", 1.0, 0.5, 2), ("succeeded", 3.0, 1.5, 20),
                ("succeeded", 5.0, 2.5, 70), ("failed", 7.0, 3.0, 75),
                ("succeeded", 9.0, 4.0, 130), ("succeeded", 4.0, 9.0, 60 * 30)]  # 30 h ago
    ids = insert_jobs(db, admin_account.user_id, finished_rows(task, outcomes))
    try:
        body = admin_account.client.get(HISTORY, params={"hours": 24,
                                                         "bucket_minutes": 60}).json()
        assert (body["hours"], body["bucket_minutes"]) == (24, 60)
        [mine] = [s for s in body["series"] if s["task_name"] == task]
        with db.connect() as conn:
            finished = dict(conn.execute(select(Job.id, Job.finished_at)
                                         .where(Job.id.in_(ids))).all())
        expected: dict[datetime, list[tuple[str, float, float, float]]] = {}
        for job_id, outcome in zip(ids, outcomes, strict=True):
            if outcome[3] >= 24 * 60:
                continue  # outside the 24 h look-back
            epoch = math.floor(finished[job_id].timestamp() / 3600) * 3600
            expected.setdefault(datetime.fromtimestamp(epoch, UTC), []).append(outcome)
        points = {datetime.fromisoformat(p["bucket_start"]): p for p in mine["points"]}
        assert sorted(points) == sorted(expected)
        assert list(points) == sorted(points)  # oldest first
        for start, ran in expected.items():
            point = points[start]
            assert point["succeeded"] == sum(o[0] == "succeeded" for o in ran)
            assert point["failed"] == sum(o[0] == "failed" for o in ran)
            runs, waits = [o[1] for o in ran], [o[2] for o in ran]
            for field, values, fraction in (
                    ("run_time_p50_s", runs, 0.5), ("run_time_p95_s", runs, 0.95),
                    ("queue_wait_p50_s", waits, 0.5), ("queue_wait_p95_s", waits, 0.95)):
                assert point[field] == pytest.approx(percentile_cont(values, fraction),
                                                     abs=1e-3), (start, field)
    finally:
        delete_jobs(db, ids)


def test_history_shows_a_real_run_and_refuses_too_many_buckets(
        account: Account, admin_account: Account, canary_worker: CeleryWorker) -> None:
    job_id = insert_canary(account.user_id)
    done = account.wait_job(str(job_id))
    assert done["state"] == "succeeded"
    body = admin_account.client.get(HISTORY, params={"hours": 1, "bucket_minutes": 5}).json()
    [canary] = [s for s in body["series"] if s["task_name"] == "system.canary"]
    assert sum(p["succeeded"] for p in canary["points"]) >= 1
    last = canary["points"][-1]
    assert last["run_time_p50_s"] is not None and last["run_time_p50_s"] >= 0

    many = admin_account.client.get(HISTORY, params={"hours": 168, "bucket_minutes": 1})
    assert many.status_code == 422 and many.json()["error"]["field"] == "bucket_minutes"
    assert account.client.get(HISTORY).status_code == 403


def test_a_failing_task_type_raises_an_alert_at_the_queue_thresholds(
        admin_account: Account, db: Engine) -> None:
    failing, fine = (f"alert.test_{uuid.uuid4().hex[:8]}" for _ in range(2))
    # 2 of 5 failed in the last hour: 0.4, above QUEUE_FAILURE_CRITICAL_RATIO (0.25)
    rows = finished_rows(failing, [("succeeded", 1, 1, 5)] * 3 + [("dead", 1, 1, 10)] * 2)
    rows += finished_rows(fine, [("succeeded", 1, 1, 5)] * 6)
    # failures older than the alert's hour do not count
    rows += finished_rows(fine, [("failed", 1, 1, 90)] * 6)
    ids = insert_jobs(db, admin_account.user_id, rows)
    try:
        body = admin_account.client.get(HISTORY).json()
        assert body["alert_window_minutes"] == 60
        assert body["failure_warning_ratio"] == settings.monitoring.QUEUE_FAILURE_WARNING_RATIO
        alerts = {a["task_name"]: a for a in body["alerts"]}
        assert alerts[failing] == {"task_name": failing, "level": "critical",
                                   "failure_ratio": 0.4, "failed": 2, "finished": 5}
        assert fine not in alerts
    finally:
        delete_jobs(db, ids)


def dead_rows(task: str, errors: list[tuple[str, str, float]]) -> list[dict[str, Any]]:
    """Dead jobs of `task`: (error code, message, hours since they died)."""
    now = datetime.now(UTC)
    return [{"task_name": task, "queue": "default", "state": "dead", "attempts": 4,
             "error": {"code": code, "message": message},
             "attempt_log": [{"attempt": 1, "error": {"code": code, "message": message}}],
             "created_at": now - timedelta(hours=age + 1),
             "finished_at": now - timedelta(hours=age)} for code, message, age in errors]


def test_dead_letters_filter_then_discard_for_good(admin_account: Account, account: Account,
                                                   db: Engine) -> None:
    task = f"dead.test_{uuid.uuid4().hex[:8]}"
    ids = insert_jobs(db, account.user_id, dead_rows(task, [
        ("transient_error", "Upstream said 503 (busy)", 1.0),
        ("transient_error", "socket timed out", 30.0),
        ("bad_input", "100% of frames were black", 2.0)]))
    try:
        def listed(**params: Any) -> list[str]:
            answer = admin_account.client.get(DEAD, params={"task_type": task, **params})
            assert answer.status_code == 200, answer.text
            return [d["id"] for d in answer.json()]

        every = [str(i) for i in ids]
        assert listed() == [every[0], every[2], every[1]]  # newest first
        assert listed(error_code="transient_error") == [every[0], every[1]]
        assert listed(error_text="503 (BUSY") == [every[0]]
        assert listed(error_text="100%") == [every[2]]  # % is a character, not a wildcard
        assert listed(error_text="%") == [every[2]]
        assert listed(max_age_hours=24) == [every[0], every[2]]
        assert listed(queue="video") == []
        nul = admin_account.client.get(DEAD, params={"error_text": "a\x00b"})
        assert nul.status_code == 422 and nul.json()["error"]["code"] == "invalid_text"
        letter = admin_account.client.get(DEAD, params={"task_type": task}).json()[0]
        assert letter["attempt_log"][0]["error"]["code"] == "transient_error"

        discarded = admin_account.client.post(DISCARD, json={"job_ids": [every[0], every[2]]})
        assert discarded.status_code == 200, discarded.text
        assert sorted(discarded.json()["discarded"]) == sorted([every[0], every[2]])
        assert listed() == [every[1]]
        again = admin_account.client.post(DISCARD, json={"job_ids": [every[0]]})
        assert again.json() == {"discarded": []}
        requeued = admin_account.client.post("/api/v1/admin/requeue", json={"ids": every[:1]})
        assert requeued.json() == {"requeued": []}  # discarded jobs are never requeued
        job = account.client.get(f"/api/v1/tasks/{every[0]}").json()
        assert job["state"] == "failed"
        assert job["error"]["code"] == "transient_error"
        assert job["history"][-1]["by"] == "admin_discard"

        empty = admin_account.client.post(DISCARD, json={"job_ids": []})
        assert empty.status_code == 422 and empty.json()["error"]["field"] == "job_ids"
        assert account.client.post(DISCARD, json={"job_ids": every}).status_code == 403
        assert listed() == [every[1]]
    finally:
        delete_jobs(db, ids)


def test_accounts_list_searches_and_pages(admin_account: Account, make_account: Any) -> None:
    marker = uuid.uuid4().hex[:12]
    others = [make_account() for _ in range(3)]
    for other in others:  # unique addresses of the same search term
        renamed = f"op-{marker}-{other.user_id[:8]}@example.com"
        _update_user(other.user_id, email=renamed)
        other.email = renamed
    set_active(others[0].user_id, False)
    first = admin_account.client.get(USERS, params={"email": marker.upper(), "limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    second = admin_account.client.get(USERS, params={"email": marker, "limit": 2,
                                                     "offset": 2}).json()
    rows = page["items"] + second["items"]
    assert [r["email"] for r in rows] == [o.email for o in reversed(others)]  # newest first
    assert {r["id"]: r["is_active"] for r in rows} == {
        o.user_id: o is not others[0] for o in others}
    assert {(r["role"], r["plan"]) for r in rows} == {("user", "pro")}
    assert set(rows[0]) == {"id", "email", "role", "plan", "is_active", "created_at"}
    assert admin_account.client.get(USERS, params={"limit": 0}).status_code == 422
    assert admin_account.client.get(USERS, params={"email": "a\x00"}).status_code == 422
    assert admin_account.client.get(USERS, params={"email": "%"}).json()["total"] == 0
    assert others[1].client.get(USERS).status_code == 403
