"""Queue hop: from the submit's 202 to the job's start on an idle worker.

"Start" is `jobs.started_at`, written by the worker's claim; the hop is that minus the
moment the client received the 202 (one machine, one clock). Jobs run one at a time, each
waited for (on the user's event stream) before the next, so the worker is always idle.

The baseline is bare Celery on the same Redis: `bench.stamp`, defined here, records
`time.time()` at its start; its worker runs `celery -A benchmarks.queue_hop:bare_app`.

    python benchmarks/queue_hop.py --jobs 200
"""

from __future__ import annotations

import argparse
import os
import time
from functools import lru_cache

import httpx
import psycopg
import redis
from _platform import Platform, libpq_conninfo, machine_facts, percentiles, sync_url
from celery import Celery
from tqdm import tqdm

GOAL_P50_MS, GOAL_P99_MS = 15.0, 40.0
BARE_QUEUE = "bench"
STAMPS_KEY = "bench:stamps"
IDLE_GAP_S = 0.05  # let the worker finish acking and go back to waiting on the broker
JOB_DEADLINE_S = 60.0
FINAL = {"job.succeeded", "job.failed", "job.cancelled"}

# The delivery settings of celeryconfig.py (acks late, prefetch 1, priority lists, JSON),
# without the database, the claim or task events.
bare_app = Celery("bench_bare", broker=os.environ.get("REDIS_URL"), set_as_current=False)
bare_app.conf.update(
    task_ignore_result=True, task_serializer="json", accept_content=["json"],
    task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
    broker_transport_options={"visibility_timeout": 7200, "priority_steps": list(range(10)),
                              "queue_order_strategy": "priority"},
    task_default_queue=BARE_QUEUE, worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
)


@lru_cache(maxsize=1)
def _stamp_redis() -> redis.Redis:
    return redis.Redis.from_url(os.environ["REDIS_URL"])


@bare_app.task(name="bench.stamp")
def stamp(mark: str) -> None:
    """Record the wall time this task started at."""
    _stamp_redis().rpush(STAMPS_KEY, f"{mark} {time.time()}")


def wait_final(client: redis.Redis, stream: str, after: str, job_id: str) -> str:
    """Block on the user's event stream until the job's final event; returns the last id."""
    deadline = time.monotonic() + JOB_DEADLINE_S
    while time.monotonic() < deadline:
        for _name, entries in client.xread({stream: after}, block=1000) or []:
            for entry_id, fields in entries:
                after = entry_id.decode()
                data = fields[b"d"].decode()
                if job_id in data and any(f'"type":"{t}"' in data for t in FINAL):
                    return after
    raise RuntimeError(f"job {job_id} did not finish in {JOB_DEADLINE_S:.0f} s")


def app_hops(platform: Platform, count: int, warmup: int) -> dict[str, list[float]]:
    """Per-job intervals (ms) of `count` video jobs, run one at a time."""
    account = platform.create_account()
    image = platform.upload_image(account)
    body = {"asset_ids": [image], "seconds_per_image": 0.5, "transition": "none",
            "resolution": "1080x1080", "fps": 24}
    stream = f"events:user:{account.user_id}"
    series: dict[str, list[float]] = {"submit": [], "202->start": [], "send->start": [],
                                      "created->start": []}
    events = redis.Redis.from_url(platform.redis_url)
    conninfo = libpq_conninfo(sync_url(platform.database_url))
    with httpx.Client(base_url=platform.base_url, headers=account.headers, timeout=30.0) as http, \
            psycopg.connect(conninfo, autocommit=True) as db:
        last = "0"
        for index in tqdm(range(warmup + count), desc="reelforge jobs", unit="job"):
            sent = time.time()
            answer = http.post("/api/v1/tasks/submit/video", json=body)
            received = time.time()
            answer.raise_for_status()
            job_id = answer.json()["id"]
            last = wait_final(events, stream, last, job_id)
            row = db.execute("SELECT extract(epoch FROM created_at)::float8, "
                             "extract(epoch FROM started_at)::float8, state FROM jobs "
                             "WHERE id = %s", (job_id,)).fetchone()
            if row is None or row[2] != "succeeded":
                raise RuntimeError(f"job {job_id} ended as {row}")
            created, started = row[0], row[1]
            if index >= warmup:
                series["submit"].append((received - sent) * 1000)
                series["202->start"].append((started - received) * 1000)
                series["send->start"].append((started - sent) * 1000)
                series["created->start"].append((started - created) * 1000)
            time.sleep(IDLE_GAP_S)
    events.close()
    return series


def bare_hops(platform: Platform, count: int, warmup: int) -> dict[str, list[float]]:
    """Per-task intervals (ms) of `count` bare Celery tasks, run one at a time."""
    bare_app.conf.broker_url = platform.redis_url
    stamps = redis.Redis.from_url(platform.redis_url)
    series: dict[str, list[float]] = {"send->start": [], "return->start": []}
    for index in tqdm(range(warmup + count), desc="bare celery", unit="task"):
        sent = time.time()
        stamp.apply_async(args=[str(index)], queue=BARE_QUEUE)
        returned = time.time()
        popped = stamps.blpop([STAMPS_KEY], timeout=JOB_DEADLINE_S)
        if popped is None:
            raise RuntimeError("bare task did not start in time")
        mark, started = popped[1].decode().split()
        if index >= warmup and mark == str(index):
            series["send->start"].append((float(started) - sent) * 1000)
            series["return->start"].append((float(started) - returned) * 1000)
        time.sleep(IDLE_GAP_S)
    stamps.close()
    return series


def line(name: str, values: list[float]) -> str:
    p = percentiles(values)
    return (f"{name:<30} p50 {p['p50']:6.2f}  p90 {p['p90']:6.2f}  p99 {p['p99']:6.2f}  "
            f"max {p['max']:7.2f} ms  (n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=200, help="measured jobs per phase")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured jobs first")
    parser.add_argument("--redis-db", type=int, default=14)
    args = parser.parse_args()

    print(f"machine: {machine_facts()}")
    with Platform(redis_db=args.redis_db) as platform:
        platform.start_api()
        worker = platform.start_worker(app="app.tasks.app:celery_app", queues="video",
                                       name="video")
        hops = app_hops(platform, args.jobs, args.warmup)
        worker.stop()
        platform.start_worker(app="benchmarks.queue_hop:bare_app", queues=BARE_QUEUE,
                              name="bare")
        bare = bare_hops(platform, args.jobs, args.warmup)

    print()
    print(line("reelforge submit (202)", hops["submit"]))
    for name in ("202->start", "send->start", "created->start"):
        print(line(f"reelforge {name}", hops[name]))
    for name in ("return->start", "send->start"):
        print(line(f"bare celery {name}", bare[name]))
    app_p, bare_p = percentiles(hops["send->start"]), percentiles(bare["send->start"])
    print(f"ratio send->start reelforge / bare: p50 {app_p['p50'] / bare_p['p50']:.1f}x, "
          f"p99 {app_p['p99'] / bare_p['p99']:.1f}x")
    print(f"goal (202->start): p50 <= {GOAL_P50_MS:.0f} ms, p99 <= {GOAL_P99_MS:.0f} ms; "
          "negative: the worker started before the client had its 202")


if __name__ == "__main__":
    main()
