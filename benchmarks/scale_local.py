"""Scale latency on one machine: from the scale call to the new pool size being in effect.

Starts one Celery worker on the `gpu` queue (-c 1) against a private Redis db and a fresh
database, then resizes its pool through the local scaler (the code behind
`POST /api/v1/admin/scale`) and polls the worker's own report (`inspect stats`, pool
processes) until the size matches. The clock starts before the scale call, so it includes
finding the workers that consume the queue (one broadcast, SCALE_CONTROL_TIMEOUT_S).
The baseline is Celery's bare `pool_grow` / `pool_shrink` to a known worker, whose grown
processes wait for the pool's 5 s maintenance tick. Goal: <= 5 s.

    python benchmarks/scale_local.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis

GOAL_S = 5.0
LOCAL_REDIS = "redis://127.0.0.1:6379"
LOCAL_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DATABASE = "reelforge_bench_scale"
SLOT_KEY = "reelforge:test-slot:{}"  # the test suite's Redis db reservations (db 0)
DEADLINE_S = 30.0
POLL_S = 0.02


def claim_redis_db() -> int:
    client = redis.Redis.from_url(f"{LOCAL_REDIS}/0")
    for db in range(1, 16):
        if client.set(SLOT_KEY.format(db), os.getpid(), nx=True, ex=3600):
            return db
    raise SystemExit("no free Redis db (1-15); the test suite holds them all")


def prepare(db: int, data_dir: Path) -> None:
    """Point this process and the worker at private services; settings load after this."""
    from app.dev.services import ensure_database, sync_url, with_database

    url = with_database(LOCAL_POSTGRES, DATABASE)
    ensure_database(sync_url(LOCAL_POSTGRES), DATABASE, fresh=True)
    os.environ.update({"REDIS_URL": f"{LOCAL_REDIS}/{db}", "DATABASE_URL": url,
                       "DATA_DIR": str(data_dir), "ENVIRONMENT": "test"})
    from app.core.migrate import upgrade_head

    upgrade_head(sync_url(url))
    redis.Redis.from_url(f"{LOCAL_REDIS}/{db}").flushdb()


def start_worker(log: Path) -> tuple[subprocess.Popen[bytes], str]:
    from app.tasks.app import celery_app

    hostname = f"bench-gpu-{os.getpid()}@bench"
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app.tasks.app:celery_app", "worker", "-Q", "gpu",
         "-c", "1", "-n", hostname, "--without-gossip", "--without-mingle", "--loglevel", "INFO"],
        stdout=log.open("wb"), stderr=subprocess.STDOUT, env=dict(os.environ),
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"worker exited:\n{log.read_text()[-2000:]}")
        if celery_app.control.ping(destination=[hostname], timeout=0.5):
            return proc, hostname
    proc.kill()
    raise SystemExit("worker not ready in 60 s")


def pool_size(hostname: str) -> int:
    from app.tasks.app import celery_app

    stats = celery_app.control.inspect(destination=[hostname], timeout=2.0).stats() or {}
    return len(stats.get(hostname, {}).get("pool", {}).get("processes", []))


def time_to_size(hostname: str, size: int, call: Callable[[], object]) -> float:
    """Seconds from just before `call()` until the worker reports `size` pool processes."""
    start = time.monotonic()
    call()
    while time.monotonic() - start < DEADLINE_S:
        if pool_size(hostname) == size:
            return time.monotonic() - start
        time.sleep(POLL_S)
    raise SystemExit(f"pool never reached {size} processes")


def summary(name: str, samples: list[float]) -> str:
    p50, worst = statistics.median(samples), max(samples)
    verdict = "meets" if worst <= GOAL_S else "misses"
    return (f"{name:<34} n={len(samples):<3} p50 {p50:5.2f} s   max {worst:5.2f} s   "
            f"({verdict} the {GOAL_S:.0f} s goal)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--size", type=int, default=4, help="grow from 1 to this many")
    args = parser.parse_args()
    db = claim_redis_db()
    data_dir = Path(tempfile.mkdtemp(prefix="reelforge-bench-scale-"))
    proc = None
    try:
        prepare(db, data_dir)
        from app.jobs.names import Queue
        from app.tasks.app import celery_app
        from app.tasks.local_scaler import LocalScaler

        proc, host = start_worker(data_dir / "worker.log")
        scaler = LocalScaler(settle_timeout_s=0)  # return once the commands are acknowledged
        results: dict[str, list[float]] = {k: [] for k in ("grow", "shrink", "bare grow",
                                                           "bare shrink")}
        extra = args.size - 1
        for _ in range(args.repeat):
            results["grow"].append(time_to_size(
                host, args.size, lambda: scaler.scale(Queue.GPU, args.size)))
            results["shrink"].append(time_to_size(host, 1, lambda: scaler.scale(Queue.GPU, 1)))
            results["bare grow"].append(time_to_size(host, args.size, lambda: celery_app.control
                                                     .pool_grow(extra, destination=[host],
                                                                reply=True)))
            results["bare shrink"].append(time_to_size(host, 1, lambda: celery_app.control
                                                       .pool_shrink(extra, destination=[host],
                                                                    reply=True)))
        print(f"gpu queue, one worker, pool 1 <-> {args.size}; {os.cpu_count()} CPUs")
        print(summary(f"scaler grow 1 -> {args.size}", results["grow"]))
        print(summary(f"scaler shrink {args.size} -> 1", results["shrink"]))
        print(summary(f"bare pool_grow 1 -> {args.size}", results["bare grow"]))
        print(summary(f"bare pool_shrink {args.size} -> 1", results["bare shrink"]))
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(30)
        redis.Redis.from_url(f"{LOCAL_REDIS}/0").delete(SLOT_KEY.format(db))
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
