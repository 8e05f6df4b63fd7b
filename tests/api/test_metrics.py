"""GET /metrics: Prometheus text that parses, with the values the database and broker hold."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine
from websockets.sync.client import ClientConnection, connect

from app.jobs.publish import publish_job
from tests.api.test_stats import broker, broker_lists, db, delete_jobs, insert_jobs
from tests.support.fixtures import Account
from tests.support.processes import ApiServer

__all__ = ["broker", "db"]  # module fixtures shared with the stats tests

TOKEN = "metrics-token-" + uuid.uuid4().hex

# No worker of the session consumes gpu (the reel workers take content and social once a
# workflow test has run; gpu workers live only within their own tests).
QUEUE = "gpu"


@pytest.fixture(scope="module")
def metrics_api(tmp_root: Path) -> Iterator[ApiServer]:
    """A server that wants a scrape token and recomputes every scrape (no cache)."""
    server = ApiServer.start(log_dir=tmp_root / "logs",
                             env={"METRICS_TOKEN": TOKEN, "METRICS_CACHE_S": "0"})
    yield server
    server.stop()


def scrape(server: ApiServer) -> dict[str, Any]:
    answer = httpx.get(server.base_url + "/metrics",
                       headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {family.name: family for family in text_string_to_metric_families(answer.text)}


def value(family: Any, suffix: str = "", **labels: str) -> float | None:
    """The sample of `family` (name + suffix) whose labels include `labels`."""
    found = [s.value for s in family.samples if s.name == family.name + suffix
             and all(s.labels.get(k) == v for k, v in labels.items())]
    assert len(found) <= 1, found
    return found[0] if found else None


def test_metrics_are_open_without_a_token(api_server: ApiServer) -> None:
    answer = httpx.get(api_server.base_url + "/metrics")
    assert answer.status_code == 200
    names = {f.name for f in text_string_to_metric_families(answer.text)}
    assert {"reelforge_jobs", "reelforge_jobs_finished_recent", "reelforge_queue_depth",
            "reelforge_websocket_connections", "reelforge_job_run_seconds",
            "reelforge_job_queue_wait_seconds"} <= names


def test_metrics_want_the_token_when_one_is_set(metrics_api: ApiServer) -> None:
    url = metrics_api.base_url + "/metrics"
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        answer = httpx.get(url, headers=headers)
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
    assert httpx.get(url, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


@contextlib.contextmanager
def websockets(server: ApiServer, account: Account, count: int) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for _ in range(count):
            ws: ClientConnection = stack.enter_context(
                connect(server.ws_url, open_timeout=10,
                        additional_headers={"Authorization": f"Bearer {account.token}"}))
            assert json.loads(ws.recv(timeout=10))["type"] == "ready"  # subscribed by now
        yield


def test_metrics_report_jobs_depth_connections_and_run_times(
        metrics_api: ApiServer, account: Account, db: Engine, broker: redis.Redis) -> None:
    task = f"metrics.test_{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    finished_rows = []
    # (state, run seconds, queue-wait seconds): buckets 0.5, 2.5, 60 and 1800 s get one each
    for state, run_s, wait_s in (("succeeded", 0.3, 0.2), ("succeeded", 2.0, 1.0),
                                 ("succeeded", 40.0, 3.0), ("failed", 700.0, 100.0)):
        started = now - timedelta(minutes=20)
        finished_rows.append({"task_name": task, "queue": QUEUE, "state": state,
                              "attempts": 1, "created_at": started - timedelta(seconds=wait_s),
                              "started_at": started,
                              "finished_at": started + timedelta(seconds=run_s)})
    ids = insert_jobs(db, account.user_id, [
        *finished_rows,
        {"task_name": task, "queue": QUEUE, "state": "cancelled", "finished_at": now},
        {"task_name": task, "queue": QUEUE, "state": "started", "started_at": now},
        {"task_name": task, "queue": QUEUE, "state": "queued", "queued_at": now},
        {"task_name": task, "queue": QUEUE, "state": "queued", "queued_at": now},
    ])
    # messages other tests left on the queue (no worker serves it here) are counted too
    before = value(scrape(metrics_api)["reelforge_queue_depth"], queue=QUEUE) or 0
    try:
        for job_id, priority in zip(ids[-2:], (1, 9), strict=True):  # no worker eats it
            publish_job(job_id=job_id, task_name=task, queue=QUEUE, priority=priority)
        with websockets(metrics_api, account, 2):
            families = scrape(metrics_api)

        jobs = families["reelforge_jobs"]
        assert value(jobs, queue=QUEUE, task_name=task, state="queued") == 2
        assert value(jobs, queue=QUEUE, task_name=task, state="started") == 1
        assert value(jobs, task_name=task, state="succeeded") is None  # live states only
        recent = families["reelforge_jobs_finished_recent"]
        for state, count in (("succeeded", 3), ("failed", 1), ("cancelled", 1)):
            assert value(recent, task_name=task, state=state) == count
        assert value(families["reelforge_queue_depth"], queue=QUEUE) == before + 2
        assert value(families["reelforge_queue_workers"], queue=QUEUE) == 0
        assert value(families["reelforge_websocket_connections"]) == 2
        assert value(families["reelforge_recent_window_seconds"]) == 3600

        run = families["reelforge_job_run_seconds"]
        assert run.type == "histogram"
        for bound, count in (("0.1", 0), ("0.5", 1), ("2.5", 2), ("30.0", 2), ("60.0", 3),
                             ("600.0", 3), ("1800.0", 4), ("+Inf", 4)):
            assert value(run, "_bucket", task_name=task, le=bound) == count, bound
        assert value(run, "_count", task_name=task) == 4
        assert value(run, "_sum", task_name=task) == pytest.approx(742.3)
        wait = families["reelforge_job_queue_wait_seconds"]
        assert value(wait, "_count", task_name=task) == 4
        assert value(wait, "_sum", task_name=task) == pytest.approx(104.2)
        assert value(wait, "_bucket", task_name=task, le="1.0") == 2
    finally:
        for key in broker_lists(broker, QUEUE):
            broker.delete(key)
        delete_jobs(db, ids)


def test_webhook_delivery_families_render_their_counts() -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from app.core.metrics import JobFigures, MetricsSnapshot, render

    jobs = JobFigures(live=[], finished=[], run_time={}, queue_wait={},
                      deliveries=[("job.succeeded", "delivered", 3, 4),
                                  ("job.failed", "failed", 1, 10)])
    text = render(MetricsSnapshot(jobs=jobs, queue_depth={}, workers=None,
                                  websocket_connections=0, window_s=3600)).decode()
    values = {(f.name, s.labels.get("event_type"), s.labels.get("status")): s.value
              for f in text_string_to_metric_families(text) for s in f.samples}
    assert values[("reelforge_webhook_deliveries_recent", "job.succeeded", "delivered")] == 3
    assert values[("reelforge_webhook_delivery_attempts_recent", "job.failed", "failed")] == 10
