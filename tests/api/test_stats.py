"""Admin stats: broker depth over every priority step, counts, health and performance."""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from sqlalchemy import Engine, create_engine, delete, insert, text

from app.core.config import settings
from app.jobs.publish import publish_job
from app.models import Job
from app.storage import get_storage
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import ApiServer, CeleryWorker

QUEUES = "/api/v1/tasks/stats/queues"
PERFORMANCE = "/api/v1/tasks/stats/performance"


@pytest.fixture(scope="module")
def db() -> Iterator[Engine]:
    engine = create_engine(settings.database.sync_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def broker() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    yield client
    client.close()


@pytest.fixture(scope="module")
def strict_api(tmp_root: Path) -> Iterator[ApiServer]:
    """An API server whose health thresholds trip on a handful of jobs."""
    server = ApiServer.start(log_dir=tmp_root / "logs", env={
        "QUEUE_PENDING_WARNING_JOBS": "2", "QUEUE_PENDING_CRITICAL_JOBS": "3",
        "QUEUE_OLDEST_WAITING_WARNING_S": "60", "QUEUE_OLDEST_WAITING_CRITICAL_S": "300",
        "QUEUE_FAILURE_WARNING_RATIO": "0.01", "QUEUE_FAILURE_CRITICAL_RATIO": "1.0",
        "QUEUE_FAILURE_MIN_FINISHED_JOBS": "1",
        # Every request starts a fresh worker census (answered in the background).
        "STATS_WORKERS_CACHE_S": "0",
    })
    yield server
    server.stop()


def client_for(server: ApiServer, account: Account) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=30.0,
                        headers={"Authorization": f"Bearer {account.token}"})


def insert_jobs(engine: Engine, user_id: str, rows: list[dict[str, Any]]) -> list[uuid.UUID]:
    """Job rows as the API and workers leave them; each row overrides the defaults."""
    now = datetime.now(UTC)
    ids = []
    with engine.begin() as conn:
        for row in rows:
            job_id = uuid.uuid4()
            ids.append(job_id)
            conn.execute(insert(Job).values({
                "id": job_id, "user_id": uuid.UUID(user_id), "kind": "video",
                "task_name": "video.render", "queue": "video", "priority": 5,
                "state": "queued", "params": {}, "history": [], "progress": 0.0,
                "attempts": 0, "created_at": now, **row}))
    return ids


def delete_jobs(engine: Engine, ids: list[uuid.UUID]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(Job).where(Job.id.in_(ids)))


def broker_lists(client: redis.Redis, queue: str) -> dict[bytes, int]:
    """The Redis lists Kombu filled for `queue` (its own name, then one per priority step)."""
    return {key: client.llen(key) for key in client.scan_iter(match=f"{queue}*")
            if key.split(b"\x06\x16")[0] == queue.encode() and client.type(key) == b"list"}


def by_queue(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(body["queues"])


def queue_idle(client: httpx.Client, queue: str, deadline_s: float = 180.0) -> dict[str, Any]:
    """Wait until earlier tests' jobs on `queue` have drained, so deltas count only ours."""
    end = time.monotonic() + deadline_s
    while True:
        stats = by_queue(client.get(QUEUES).json())[queue]
        idle = stats["pending"] == 0 and stats["waiting"] == 0 and stats["active"] == 0
        if idle or time.monotonic() > end:
            return stats
        time.sleep(0.2)  # polling interval of a bounded wait


def queue_once_counted(client: httpx.Client, queue: str, workers: int,
                       deadline_s: float = 15.0) -> dict[str, Any]:
    """The queue's stats once the worker census (refreshed in the background) says
    `workers`: a bounded wait on what the endpoint reports."""
    end = time.monotonic() + deadline_s
    while True:
        stats = by_queue(client.get(QUEUES).json())[queue]
        if stats["workers"] == workers or time.monotonic() > end:
            return stats
        time.sleep(0.1)  # polling interval of a bounded wait


@pytest.fixture
def gpu_backlog(admin_account: Account, db: Engine,
                broker: redis.Redis) -> Iterator[list[uuid.UUID]]:
    """Three jobs waiting ten minutes on `gpu`, which no test worker consumes, at API
    priorities 0, 5 and 10: three different Redis priority lists."""
    for key in broker_lists(broker, "gpu"):  # messages of jobs other tests left cancelled
        broker.delete(key)
    queued = datetime.now(UTC) - timedelta(minutes=10)
    ids = insert_jobs(db, admin_account.user_id, [
        {"queue": "gpu", "priority": p, "queued_at": queued,
         "created_at": queued - timedelta(seconds=5)} for p in (0, 5, 10)])
    for job_id, priority in zip(ids, (0, 5, 10), strict=True):
        publish_job(job_id=job_id, task_name="video.render", queue="gpu", priority=priority)
    yield ids
    for key in broker_lists(broker, "gpu"):
        broker.delete(key)
    delete_jobs(db, ids)


def test_stats_need_an_admin(account: Account, api_server: ApiServer) -> None:
    for path in (QUEUES, PERFORMANCE):
        assert account.client.get(path).status_code == 403
        answer = httpx.get(api_server.base_url + path)
        assert answer.status_code == 401
        assert answer.json()["error"]["code"] == "unauthorized"


def test_window_is_bounded(admin_account: Account) -> None:
    for path in (QUEUES, PERFORMANCE):
        for bad in (0, 10081):
            answer = admin_account.client.get(path, params={"window_minutes": bad})
            assert answer.status_code == 422
            assert answer.json()["error"]["field"] == "window_minutes"


def test_pending_counts_every_priority_step(admin_account: Account, broker: redis.Redis,
                                            gpu_backlog: list[uuid.UUID]) -> None:
    lists = broker_lists(broker, "gpu")
    assert len(lists) == 3 and sum(lists.values()) == 3  # one message on each of 3 lists

    body = admin_account.client.get(QUEUES).json()
    gpu = by_queue(body)["gpu"]
    assert gpu["pending"] == 3
    assert gpu["waiting"] == 3
    assert gpu["active"] == 0
    assert gpu["workers"] == 0
    assert 600 <= gpu["oldest_waiting_s"] < 900
    # Nobody consumes while jobs wait: critical; ten minutes of waiting crosses 300 s too.
    assert gpu["health"] == "critical"
    assert gpu["reasons"] == ["no_worker", "oldest_waiting_warning"]
    assert body["health"] == "critical"
    # Keyed by name, in a fixed order, each entry naming its queue too.
    assert list(body["queues"]) == ["content", "video", "gpu", "social", "default"]
    assert all(name == entry["queue"] for name, entry in body["queues"].items())


def test_thresholds_come_from_settings(admin_account: Account, strict_api: ApiServer,
                                       gpu_backlog: list[uuid.UUID]) -> None:
    with client_for(strict_api, admin_account) as client:
        gpu = by_queue(client.get(QUEUES).json())["gpu"]
    assert gpu["health"] == "critical"
    assert set(gpu["reasons"]) == {"no_worker", "pending_critical", "oldest_waiting_critical"}


def _failing_submit(account: Account, db: Engine) -> dict[str, Any]:
    """A job whose photo lost its stored file: the worker fails it for good (asset_missing)."""
    image = upload_images(account, 1)[0]
    with db.connect() as conn:
        key = conn.execute(text("SELECT storage_key FROM assets WHERE id = :id"),
                           {"id": image}).scalar_one()
    get_storage().delete(key)
    return submit(account, [image], seconds_per_image=1.0)


def test_completed_and_failed_after_real_runs(account: Account, admin_account: Account,
                                              strict_api: ApiServer, worker: CeleryWorker,
                                              db: Engine) -> None:
    with client_for(strict_api, admin_account) as client:
        before = queue_idle(client, "video")
        good = submit(account, upload_images(account, 1), seconds_per_image=1.0)
        bad = _failing_submit(account, db)
        assert account.wait_job(good["id"])["state"] == "succeeded"
        failed = account.wait_job(bad["id"])
        assert failed["state"] == "failed" and failed["error"]["code"] == "asset_missing"

        after = queue_once_counted(client, "video", workers=1)
    assert after["workers"] == 1
    assert after["completed"] == before["completed"] + 1
    assert after["failed"] == before["failed"] + 1
    assert after["failure_ratio"] == pytest.approx(
        after["failed"] / (after["completed"] + after["failed"]))
    # One failure among a few runs crosses a 1 % warning threshold, not the 100 % critical.
    assert "failure_ratio_warning" in after["reasons"]
    assert "failure_ratio_critical" not in after["reasons"]
    assert after["health"] in {"warning", "critical"}


def percentile_cont(values: list[float], fraction: float) -> float:
    """PostgreSQL's percentile_cont: linear interpolation between the closest ranks."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def test_performance_matches_the_rows(admin_account: Account, db: Engine) -> None:
    task = f"stats.test_{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    # (state, run seconds, queue-wait seconds, attempts, finished minutes ago)
    outcomes = [("succeeded", 1.0, 0.5, 1, 1), ("succeeded", 2.0, 1.0, 1, 5),
                ("succeeded", 3.0, 1.5, 1, 10), ("succeeded", 4.0, 2.0, 2, 15),
                ("succeeded", 5.0, 2.5, 1, 20), ("succeeded", 10.0, 20.0, 1, 30),
                ("failed", 7.0, 3.0, 3, 40), ("failed", 8.0, 4.0, 1, 50),
                ("dead", 9.0, 5.0, 4, 55), ("succeeded", 6.0, 1.0, 1, 120)]
    rows: list[dict[str, Any]] = []
    for state, run_s, wait_s, attempts, ago_min in outcomes:
        finished = now - timedelta(minutes=ago_min)
        started = finished - timedelta(seconds=run_s)
        rows.append({"task_name": task, "queue": "default", "state": state,
                     "attempts": attempts, "created_at": started - timedelta(seconds=wait_s),
                     "queued_at": started - timedelta(seconds=wait_s),
                     "started_at": started, "finished_at": finished})
    rows.append({"task_name": task, "queue": "default", "state": "cancelled",  # never ran
                 "created_at": now - timedelta(minutes=3),
                 "finished_at": now - timedelta(minutes=2)})
    ids = insert_jobs(db, admin_account.user_id, rows)
    try:
        for window, ran in ((60, outcomes[:9]), (180, outcomes)):
            body = admin_account.client.get(PERFORMANCE,
                                            params={"window_minutes": window}).json()
            assert body["window_minutes"] == window
            [mine] = [t for t in body["tasks"] if t["task_name"] == task]
            runs, waits = [o[1] for o in ran], [o[2] for o in ran]
            succeeded = sum(o[0] == "succeeded" for o in ran)
            assert mine["succeeded"] == succeeded
            assert mine["failed"] == len(ran) - succeeded
            assert mine["cancelled"] == 1
            assert mine["throughput_per_min"] == pytest.approx(len(ran) / window, abs=1e-4)
            assert mine["success_rate"] == pytest.approx(succeeded / len(ran))
            assert mine["retry_rate"] == pytest.approx(
                sum(o[3] > 1 for o in ran) / len(ran))
            for field, values, fraction in (
                    ("run_time_p50_s", runs, 0.5), ("run_time_p95_s", runs, 0.95),
                    ("queue_wait_p50_s", waits, 0.5), ("queue_wait_p95_s", waits, 0.95)):
                assert mine[field] == pytest.approx(percentile_cont(values, fraction),
                                                    abs=1e-3), field
    finally:
        delete_jobs(db, ids)


def test_performance_of_real_runs_matches_the_table(account: Account, admin_account: Account,
                                                    worker: CeleryWorker, db: Engine) -> None:
    jobs = [submit(account, upload_images(account, 1), seconds_per_image=1.0)
            for _ in range(2)]
    for job in jobs:
        assert account.wait_job(job["id"])["state"] == "succeeded"
    window = 10080  # the whole test session: no row sits near the window's edge
    body = admin_account.client.get(PERFORMANCE, params={"window_minutes": window}).json()
    [render] = [t for t in body["tasks"] if t["task_name"] == "video.render"]
    with db.connect() as conn:
        rows = conn.execute(text(
            "SELECT state, attempts, EXTRACT(EPOCH FROM finished_at - started_at) AS run_s,"
            " EXTRACT(EPOCH FROM started_at - created_at) AS wait_s FROM jobs"
            " WHERE task_name = 'video.render' AND finished_at IS NOT NULL"
            " AND state IN ('succeeded', 'failed', 'dead')")).all()
    runs, waits = [float(r.run_s) for r in rows], [float(r.wait_s) for r in rows]
    succeeded = sum(r.state == "succeeded" for r in rows)
    assert render["succeeded"] == succeeded >= 2
    assert render["failed"] == len(rows) - succeeded
    assert render["success_rate"] == pytest.approx(succeeded / len(rows))
    assert render["retry_rate"] == pytest.approx(sum(r.attempts > 1 for r in rows) / len(rows))
    assert render["throughput_per_min"] == pytest.approx(len(rows) / window, abs=1e-4)
    assert render["run_time_p50_s"] == pytest.approx(percentile_cont(runs, 0.5), abs=1e-3)
    assert render["run_time_p95_s"] == pytest.approx(percentile_cont(runs, 0.95), abs=1e-3)
    assert render["queue_wait_p50_s"] == pytest.approx(percentile_cont(waits, 0.5), abs=1e-3)
    assert render["queue_wait_p95_s"] == pytest.approx(percentile_cont(waits, 0.95), abs=1e-3)
