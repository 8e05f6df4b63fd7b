"""Latency of the admin stats endpoints on a jobs table of 1,000,000 rows.

Fills a fresh database `reelforge_bench_stats` on the local PostgreSQL with jobs spread
over 30 days (five queues, six task types, every state), starts the API against it with
uvicorn and a private Redis db, logs in as an admin and times ~200 requests to each of
`GET /api/v1/tasks/stats/queues`, `GET /api/v1/tasks/stats/performance` (default
window of 60 minutes, then a day) and `/metrics` (its cache off, so every scrape queries).
Goal: p95 <= 150 ms for the stats endpoints at the default window.

    .venv/bin/python benchmarks/stats_latency.py                    # 1,000,000 rows
    .venv/bin/python benchmarks/stats_latency.py --rows 200000 --requests 100
    .venv/bin/python benchmarks/stats_latency.py --keep             # keep the database
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import redis

from app.dev.services import (
    LOCAL_POSTGRES_URL,
    ensure_database,
    libpq_conninfo,
    sync_url,
    with_database,
)

DATABASE = "reelforge_bench_stats"
REDIS_SERVER = "redis://127.0.0.1:6379"
# Test runs reserve Redis dbs 1-15 with these keys in db 0 (tests/support/slots.py).
SLOT_KEY = "reelforge:test-slot:{}"
SLOT_TTL_S = 3600
STARTUP_DEADLINE_S = 60.0
GOAL_P95_MS = 150.0
PASSWORD = "correct horse battery staple"
USERS = 1000

# task, queue, kind, share of all jobs, typical run time in seconds
TASKS = [
    ("video.render", "video", "video", 0.45, 20.0),
    ("video.render_ultra", "gpu", "video", 0.05, 90.0),
    ("content.script", "content", "content", 0.15, 4.0),
    ("speech.synthesize", "content", "speech", 0.15, 6.0),
    ("social.publish", "social", "social", 0.15, 2.0),
    ("system.ping", "default", "system", 0.05, 0.05),
]

FILL_USERS = """
INSERT INTO users (id, email, password_hash, role, plan, is_active, created_at)
SELECT gen_random_uuid(), 'bench-' || g || '@example.com', 'not-a-hash', 'user', 'free',
       true, now() - interval '60 days'
FROM generate_series(1, %(users)s) AS g
"""

# One INSERT ... SELECT: jobs created uniformly over 30 days, stored in creation order as
# a live system stores them. Jobs older than ten minutes
# are final (91 % succeeded, 4 % failed, 4 % cancelled, 1 % dead); the newest ten minutes
# hold the live backlog (queued, pending, started, progress). Queue waits have a long tail
# (0.2 s .. 10 min), run times spread 0.5x .. 2x around each task's typical one, and 4 % of
# the jobs that ran needed more than one attempt.
FILL_JOBS = """
WITH tasks(task_name, queue, kind, lo, hi, run_s) AS (VALUES {tasks}),
users_ AS (SELECT array_agg(id) AS ids FROM users),
base AS (
    SELECT g, now() - random() * interval '30 days' AS created_at,
           random() AS r_task, random() AS r_state, random() AS r_wait, random() AS r_run,
           random() AS r_try
    FROM generate_series(1, %(rows)s) AS g
),
shaped AS (
    SELECT b.*, t.task_name, t.queue, t.kind, t.run_s,
           CASE WHEN b.created_at > now() - interval '10 minutes' THEN
                    CASE WHEN b.r_state < 0.55 THEN 'queued'
                         WHEN b.r_state < 0.60 THEN 'pending'
                         WHEN b.r_state < 0.65 THEN 'started'
                         WHEN b.r_state < 0.75 THEN 'progress'
                         ELSE 'succeeded' END
                WHEN b.r_state < 0.91 THEN 'succeeded'
                WHEN b.r_state < 0.95 THEN 'failed'
                WHEN b.r_state < 0.99 THEN 'cancelled'
                ELSE 'dead' END AS state,
           interval '1 second' * (0.2 + 600 * b.r_wait ^ 6) AS wait,
           interval '1 second' * t.run_s * (0.5 + 1.5 * b.r_run) AS run
    FROM base b JOIN tasks t ON b.r_task >= t.lo AND b.r_task < t.hi
),
timed AS (
    SELECT s.*,
           CASE WHEN s.state IN ('queued', 'pending')
                  OR (s.state = 'cancelled' AND s.r_run < 0.5) THEN NULL
                ELSE LEAST(s.created_at + s.wait, now()) END AS started_at
    FROM shaped s
)
INSERT INTO jobs (id, user_id, kind, task_name, queue, priority, state, params, result, error,
                  progress, stage, history, attempts, worker, output_key, queued_at,
                  started_at, finished_at, heartbeat_at, created_at)
SELECT gen_random_uuid(),
       (SELECT ids FROM users_)[1 + (t.g %% %(users)s)],
       t.kind, t.task_name, t.queue, (t.g * 7) %% 11, t.state,
       jsonb_build_object('asset_ids', jsonb_build_array(gen_random_uuid()::text,
                                                         gen_random_uuid()::text,
                                                         gen_random_uuid()::text),
                          'seconds_per_image', 3.0, 'transition', 'fade',
                          'resolution', '1080x1920', 'fps', 30),
       CASE WHEN t.state = 'succeeded' THEN
            jsonb_build_object('duration_s', 9.0, 'width', 1080, 'height', 1920,
                               'encoder', 'libx264') END,
       CASE WHEN t.state IN ('failed', 'dead') THEN
            jsonb_build_object('code', 'render_failed', 'message', 'ffmpeg exited with 1') END,
       CASE WHEN t.state = 'succeeded' THEN 1.0 ELSE 0.0 END,
       CASE WHEN t.state = 'succeeded' THEN 'done' END,
       jsonb_build_array(jsonb_build_object('state', 'pending', 'at', t.created_at),
                         jsonb_build_object('state', 'queued', 'at', t.created_at),
                         jsonb_build_object('state', t.state, 'at', now())),
       CASE WHEN t.started_at IS NULL THEN 0
            WHEN t.r_try < 0.03 THEN 2 WHEN t.r_try < 0.04 THEN 3 ELSE 1 END,
       CASE WHEN t.started_at IS NOT NULL THEN t.queue || '@bench-host' END,
       CASE WHEN t.state = 'succeeded' THEN 'results/bench/' || t.g || '/video.mp4' END,
       CASE WHEN t.state <> 'pending' THEN t.created_at + interval '50 milliseconds' END,
       t.started_at,
       CASE WHEN t.state IN ('succeeded', 'failed', 'dead') THEN
                 LEAST(t.started_at + t.run, now())
            WHEN t.state = 'cancelled' THEN
                 LEAST(COALESCE(t.started_at, t.created_at) + t.run / 2, now()) END,
       t.started_at,
       t.created_at
FROM timed t
ORDER BY t.created_at
"""


def tasks_values() -> str:
    rows, low = [], 0.0
    for index, (task, queue, kind, share, run_s) in enumerate(TASKS):
        high = 1.01 if index == len(TASKS) - 1 else low + share
        rows.append(f"('{task}', '{queue}', '{kind}', {low:.4f}, {high:.4f}, {run_s})")
        low = high
    return ", ".join(rows)


def fill(url: str, rows: int) -> float:
    """Insert USERS users and `rows` jobs, then VACUUM ANALYZE; returns seconds taken."""
    started = time.perf_counter()
    with psycopg.connect(libpq_conninfo(url), autocommit=True) as conn:
        conn.execute(FILL_USERS, {"users": USERS})
        conn.execute(FILL_JOBS.format(tasks=tasks_values()), {"rows": rows, "users": USERS})
        conn.execute("VACUUM ANALYZE jobs")
        conn.execute("VACUUM ANALYZE users")
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_db() -> Iterator[str]:
    """A Redis db of our own, reserved the way test runs reserve theirs."""
    control = redis.Redis.from_url(f"{REDIS_SERVER}/0")
    for db in range(15, 0, -1):
        if control.set(SLOT_KEY.format(db), os.getpid(), nx=True, ex=SLOT_TTL_S):
            break
    else:
        raise RuntimeError("every Redis db 1-15 is reserved by a test run or a benchmark")
    url = f"{REDIS_SERVER}/{db}"
    try:
        with redis.Redis.from_url(url) as client:
            client.flushdb()
        yield url
    finally:
        with redis.Redis.from_url(url) as client:
            client.flushdb()
        control.delete(SLOT_KEY.format(db))
        control.close()


@contextmanager
def api_server(env: dict[str, str], log: Path) -> Iterator[str]:
    """`uvicorn app.main:app` (one process, as the launcher runs it) on a free port."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with log.open("ab") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log"],
            stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, **env},
            start_new_session=True)
    try:
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"API did not start:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # readiness poll, bounded by the deadline
        yield base_url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)


def admin_token(client: httpx.Client, url: str) -> str:
    """Register through the API, promote with SQL, log in: a real admin JWT."""
    email = f"bench-admin-{uuid.uuid4().hex[:8]}@example.com"
    client.post("/api/v1/auth/register",
                json={"email": email, "password": PASSWORD}).raise_for_status()
    with psycopg.connect(libpq_conninfo(url), autocommit=True) as conn:
        conn.execute("UPDATE users SET role = 'admin' WHERE email = %s", (email,))
    answer = client.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def nearest_rank(values: list[float], point: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-int(point * len(ordered)) // 100) - 1))]


def time_requests(client: httpx.Client, path: str, count: int,
                  headers: dict[str, str] | None = None) -> dict[str, float]:
    """Sequential requests after two warm-ups; latency percentiles in milliseconds."""
    for _ in range(2):
        client.get(path, headers=headers).raise_for_status()
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        answer = client.get(path, headers=headers)
        latencies.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
    return {"p50": nearest_rank(latencies, 50), "p95": nearest_rank(latencies, 95),
            "p99": nearest_rank(latencies, 99), "mean": statistics.fmean(latencies),
            "max": max(latencies)}


def explain(url: str, window_minutes: int) -> None:
    """Print the plans of the statements the endpoints run (EXPLAIN ANALYZE)."""
    from sqlalchemy import create_engine, text

    from app.services.fleet.stats_sql import explain_statements

    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        for name, statement, params in explain_statements(window_minutes=window_minutes):
            plan = conn.execute(text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement.text),
                                params).scalars()
            print(f"\n-- {name}, window {window_minutes} min")
            print("\n".join(plan))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="use the database a --keep run left (no drop, no fill)")
    parser.add_argument("--explain", action="store_true", help="print the query plans too")
    args = parser.parse_args()

    database_url = with_database(LOCAL_POSTGRES_URL, DATABASE)
    root = Path(tempfile.mkdtemp(prefix="reelforge-bench-stats-"))
    try:
        if not args.reuse:
            ensure_database(LOCAL_POSTGRES_URL, DATABASE, fresh=True)
            from app.core.migrate import upgrade_head

            upgrade_head(sync_url(database_url))
            seconds = fill(database_url, args.rows)
            print(f"filled {args.rows:,} jobs in {seconds:.1f} s")
        with psycopg.connect(libpq_conninfo(database_url)) as conn:
            size = conn.execute("SELECT pg_size_pretty(pg_total_relation_size('jobs')), "
                                "count(*) FROM jobs").fetchone()
        assert size is not None
        print(f"jobs: {size[1]:,} rows, {size[0]} with indexes")
        if args.explain:
            for window_minutes in (60, 1440):
                explain(database_url, window_minutes)
        with redis_db() as redis_url:
            # METRICS_CACHE_S=0: every scrape runs its queries, the worst case.
            metrics_token = secrets.token_urlsafe(24)  # production refuses to start without
            env = {"ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(48),
                   "METRICS_TOKEN": metrics_token,
                   "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                   "DATA_DIR": str(root / "data"), "METRICS_CACHE_S": "0"}
            with api_server(env, root / "api.log") as base_url, \
                    httpx.Client(base_url=base_url, timeout=30.0) as client:
                token = admin_token(client, database_url)
                client.headers["Authorization"] = f"Bearer {token}"
                paths = ["/api/v1/tasks/stats/queues",
                         "/api/v1/tasks/stats/performance",
                         "/api/v1/tasks/stats/queues?window_minutes=1440",
                         "/api/v1/tasks/stats/performance?window_minutes=1440",
                         "/metrics"]
                load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
                print(f"{os.cpu_count()} CPU cores, load average {load}; "
                      f"{args.requests} sequential requests per endpoint after 2 warm-ups")
                print(f"{'endpoint':<55} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7}  ms")
                for path in paths:
                    scrape = {"Authorization": f"Bearer {metrics_token}"}
                    figures = time_requests(client, path, args.requests,
                                            scrape if path == "/metrics" else None)
                    verdict = "" if "stats" not in path or "window" in path else (
                        "  goal met" if figures["p95"] <= GOAL_P95_MS else "  GOAL MISSED")
                    print(f"{path:<55} {figures['p50']:7.1f} {figures['p95']:7.1f} "
                          f"{figures['p99']:7.1f} {figures['max']:7.1f}{verdict}")
    finally:
        if not args.keep:
            with psycopg.connect(libpq_conninfo(LOCAL_POSTGRES_URL), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
