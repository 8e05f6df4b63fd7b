"""Recovery: renders whose pool process is SIGKILLed at a random point, and the gap until the
job's next attempt is running.

The platform starts (API, one video worker with one pool process; files on a shared local
folder), and `--renders` slideshows run one after another. Each is killed once, a random
time into its render; the gap is from the kill to the next `started` entry of the job's
history. Then the same with WORKER_LEASES=false, the baseline where only the stale
heartbeat (JOB_STALE_AFTER_S, 60 s) frees the job, for `--baseline-renders` renders.
Printed for both: p50/p99/max gap, lost (not succeeded) and doubled (more than one
succeeded attempt).

    python benchmarks/recovery.py --renders 20 --baseline-renders 2
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
from datetime import datetime

import httpx
import psutil
from _platform import Account, Platform, machine_facts, percentiles, png_bytes

GOAL_S = 10.0
DEADLINE_S = 300.0


def _images(platform: Platform, account: Account, count: int = 6) -> list[str]:
    ids = []
    for i in range(count):
        answer = httpx.post(f"{platform.base_url}/api/v1/assets", headers=account.headers,
                            files={"file": (f"{i}.png", png_bytes((960, 540), (40 * i, 90,
                                                                               200 - 30 * i)))},
                            timeout=30.0)
        answer.raise_for_status()
        ids.append(str(answer.json()["id"]))
    return ids


def _job(http: httpx.Client, job_id: str) -> dict:  # type: ignore[type-arg]
    answer = http.get(f"/api/v1/tasks/{job_id}")
    answer.raise_for_status()
    return dict(answer.json())


def _wait(http: httpx.Client, job_id: str, done: object) -> dict:  # type: ignore[type-arg]
    end = time.monotonic() + DEADLINE_S
    while time.monotonic() < end:
        job = _job(http, job_id)
        if done(job):  # type: ignore[operator]
            return job
        time.sleep(0.05)  # polling interval of a bounded wait on the job row
    raise RuntimeError(f"job {job_id} did not get there in {DEADLINE_S:.0f} s: {job}")


def _pool_child(worker: psutil.Process) -> psutil.Process:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        children = [c for c in worker.children() if c.name().startswith(("python", "celery"))]
        if children:
            return children[0]
        time.sleep(0.05)  # polling interval of a bounded wait for the respawned pool
    raise RuntimeError("the worker has no pool process")


def run(renders: int, leases: bool, rng: random.Random) -> tuple[list[float], int, int]:
    """Gaps in seconds, lost, doubled."""
    gaps: list[float] = []
    lost = doubled = 0
    with Platform() as platform:
        os.environ["WORKER_LEASES"] = "true" if leases else "false"
        platform.start_api()
        worker = platform.start_worker(app="app.tasks.app:celery_app", queues="video",
                                       concurrency=1, name="video").process
        account = platform.create_account()
        images = _images(platform, account)
        with httpx.Client(base_url=platform.base_url, headers=account.headers,
                          timeout=30.0) as http:
            for index in range(renders):
                # a length of its own: the segment cache would otherwise serve every render
                # after the first before it could be killed
                answer = http.post("/api/v1/tasks/submit/video", json={
                    "asset_ids": images, "seconds_per_image": 2.5 + 0.1 * index,
                    "transition": "fade", "resolution": "1080x1920", "fps": 30})
                answer.raise_for_status()
                job_id = answer.json()["id"]
                _wait(http, job_id, lambda j: j["state"] == "progress" and j["progress"] > 0)
                time.sleep(rng.uniform(0.0, 2.0))  # a random point into the render
                killed = time.time()
                os.kill(_pool_child(worker).pid, signal.SIGKILL)
                job = _wait(http, job_id, lambda j: j["state"] in {
                    "succeeded", "failed", "dead", "cancelled"})
                starts = [datetime.fromisoformat(h["at"]).timestamp()
                          for h in job["history"] if h["state"] == "started"]
                after = [s for s in starts if s > killed]
                if after:
                    gaps.append(after[0] - killed)
                lost += job["state"] != "succeeded"
                doubled += sum(h["state"] == "succeeded" for h in job["history"]) > 1
        os.environ.pop("WORKER_LEASES", None)
    return gaps, lost, doubled


def _line(label: str, gaps: list[float], lost: int, doubled: int, renders: int) -> str:
    spread = percentiles(gaps)
    return (f"{label}: {renders} renders killed once; gap kill → next attempt running: "
            f"p50 {spread['p50']:.1f} s, p99 {spread['p99']:.1f} s, max {spread['max']:.1f} s;"
            f" lost {lost}, doubled {doubled}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--baseline-renders", type=int, default=2,
                        help="renders with leases off (each waits about a minute)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(machine_facts())
    gaps, lost, doubled = run(args.renders, True, rng)
    print(_line("with leases", gaps, lost, doubled, args.renders))
    if args.baseline_renders:
        base, base_lost, base_doubled = run(args.baseline_renders, False, rng)
        print(_line("baseline, stale heartbeat only", base, base_lost, base_doubled,
                    args.baseline_renders))
        if gaps and base:
            ratio = percentiles(base)["p50"] / max(percentiles(gaps)["p50"], 1e-9)
            print(f"p50 gap: {ratio:.1f}x shorter with leases (goal ≤ {GOAL_S:g} s)")
    return 0 if not lost and not doubled else 2


if __name__ == "__main__":
    sys.exit(main())
