"""Two beat processes at once (a second one started by mistake), each sending the tick every
second to two real workers, while the schedules are made due again and again for the same
minute: every fire time still has exactly one run and one job."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.jobs.names import TaskName
from tests.ops.beat import CeleryBeat
from tests.schedules.client import create_schedule
from tests.schedules.rows import jobs_of, runs_of, set_next_fire
from tests.schedules.ticks import results
from tests.support.fixtures import Account
from tests.support.jobs import upload_images
from tests.support.processes import CeleryWorker

TICK = TaskName.SCHEDULES_TICK.value
TICKS_PER_BEAT = 4
DEADLINE_S = 90.0


def _sent(beats: list[CeleryBeat]) -> list[int]:
    return [beat.sent()[TICK] for beat in beats]


def test_two_beats_enqueue_each_fire_time_once(account: Account, default_worker: CeleryWorker,
                                               tmp_path: Path) -> None:
    photos = upload_images(account, 1)
    ids = [create_schedule(account, {"source": "assets", "asset_ids": photos},
                           cron="* * * * *", timezone="UTC")["id"] for _ in range(3)]
    worker = CeleryWorker.start(name="beat-ticks", queues="default", concurrency=2,
                                log_dir=tmp_path)
    workers = [worker, default_worker]
    beats: list[CeleryBeat] = []
    deadline = time.monotonic() + DEADLINE_S
    try:
        with ThreadPoolExecutor(2) as pool:  # each takes seconds to start: start both at once
            beats = list(pool.map(lambda n: CeleryBeat.start(
                name=n, workdir=tmp_path, env={"SCHEDULE_TICK_INTERVAL_S": "1"}), ("a", "b")))
        seen = -1
        while min(_sent(beats)) < TICKS_PER_BEAT and time.monotonic() < deadline:
            if sum(_sent(beats)) > seen:
                seen = sum(_sent(beats))
                # Due again for the minute already fired: only the run's unique key stops it.
                set_next_fire(ids, datetime.now(UTC) - timedelta(minutes=3))
            time.sleep(0.05)  # polling interval of a bounded wait on the beats' logs
        for beat in beats:
            beat.stop()
        sent = sum(_sent(beats))
        while sum(len(results(w.log)) for w in workers) < sent:
            assert time.monotonic() < deadline, "ticks sent were not all run"
            time.sleep(0.05)  # polling interval of a bounded wait for the ticks to drain
    finally:
        for beat in beats:
            beat.stop()
        worker.stop()

    assert all(n >= TICKS_PER_BEAT for n in _sent(beats)), _sent(beats)
    outcomes = sum((Counter(r) for w in workers for r in results(w.log).values()), Counter())
    assert outcomes["duplicate"] >= 1, outcomes  # found due again, and refused
    runs, jobs = runs_of(ids), jobs_of(account.user_id)
    assert {str(r.schedule_id) for r in runs} == set(ids)
    assert all(r.status == "enqueued" for r in runs), runs
    # One job per (schedule, fire time), read from the jobs themselves.
    made = Counter((j.history[0]["schedule_id"], j.history[0]["fire_at"]) for j in jobs)
    assert set(made.values()) == {1}, made
    assert sorted(str(j.id) for j in jobs) == sorted(str(r.job_id) for r in runs)
    assert outcomes["enqueued"] == len(runs) == len(jobs)
    for job in jobs:
        account.client.delete(f"/api/v1/tasks/{job.id}")
