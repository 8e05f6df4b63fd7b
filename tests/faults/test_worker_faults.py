"""Fault battery, short version: canary jobs of mixed priority, some failing transiently
once, while pool processes and a whole worker are SIGKILLed. Nothing may be lost and no
effect applied twice. The full version with figures is benchmarks/faults.py."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path

from tests.ops.beat import CeleryBeat
from tests.support.canary import insert_canary
from tests.support.chaos import kill_a_child, kill_worker, tally
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker

JOBS = 120
CHAOS_S = 20.0
DRAIN_DEADLINE_S = 240.0
# Short recovery windows so a drill fits in a test; production keeps the defaults.
FAST_RECOVERY = {"JOB_STALE_AFTER_S": "6", "QUEUED_REPUBLISH_S": "20",
                 "SWEEPER_INTERVAL_S": "2", "SWEEPER_GRACE_S": "5"}


def test_killed_workers_lose_nothing(make_account: Callable[..., Account],
                                     tmp_root: Path) -> None:
    account = make_account(plan="pro")
    rng = random.Random(7)
    logs = tmp_root / "logs" / "faults"

    def start(name: str) -> CeleryWorker:
        return CeleryWorker.start(name=name, queues="default", concurrency=2, log_dir=logs,
                                  env=FAST_RECOVERY)

    workers = [start("faults-a"), start("faults-b")]
    beat = CeleryBeat.start(name="faults", workdir=logs, env=FAST_RECOVERY)
    job_ids = []
    try:
        for index in range(JOBS):
            job_ids.append(insert_canary(
                account.user_id, priority=rng.randint(0, 10),
                fail_times=1 if index % 10 == 0 else 0,
                sleep_s=round(rng.uniform(0.05, 0.4), 3)))
        end = time.monotonic() + CHAOS_S
        whole_worker_killed = False
        while time.monotonic() < end:
            time.sleep(1.5)  # chaos cadence: one pool process killed every 1.5 s
            kill_a_child(workers, rng)
            if not whole_worker_killed and time.monotonic() > end - CHAOS_S / 2:
                kill_worker(workers[0])
                workers[0] = start("faults-c")
                whole_worker_killed = True

        deadline = time.monotonic() + DRAIN_DEADLINE_S
        result = tally(job_ids)
        while result.lost and time.monotonic() < deadline:
            time.sleep(1.0)  # polling interval of a bounded drain
            result = tally(job_ids)
    finally:
        beat.stop()
        for worker in workers:
            worker.stop()
    print(result.line())
    assert result.lost == []
    assert result.double_effects == []
    assert result.executed_twice == []
    assert result.states["succeeded"] == JOBS
