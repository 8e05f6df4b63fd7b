"""Two beat processes running at once by mistake: every periodic slot still runs once."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import MaintenanceRun
from app.tasks.periodic_schedule import MAINTENANCE_SCHEDULE
from tests.ops.beat import CeleryBeat
from tests.support.processes import CeleryWorker

INTERVAL_S = 2  # every maintenance task this often, in both beats
RUN_FOR_S = 11.0
DRAIN_DEADLINE_S = 30.0
TASKS = sorted(t.value for t in MAINTENANCE_SCHEDULE)
# Celery's own log line for a task's return value: {"slot": ..., "ran": True|False, ...}
RETURNED = re.compile(r"Task (maintenance\.\w+)\[[^]]+\] succeeded in [\d.]+s: "
                      r"\{'slot': '([^']+)', 'ran': (True|False)")


def runs_since(start: datetime) -> list[MaintenanceRun]:
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        rows = list(conn.execute(select(MaintenanceRun.__table__).where(
            MaintenanceRun.task.in_(TASKS), MaintenanceRun.slot >= start)))
    engine.dispose()
    return rows  # type: ignore[return-value]


def accounted(rows: list[MaintenanceRun]) -> Counter[str]:
    """Messages that reached a worker: the one run of each slot plus its duplicates."""
    seen: Counter[str] = Counter()
    for row in rows:
        seen[row.task] += row.attempts + row.duplicates
    return seen


def test_two_beats_run_each_slot_once(tmp_path: Path) -> None:
    worker = CeleryWorker.start(name="beat-default", queues="default", concurrency=2,
                                log_dir=tmp_path)
    start = datetime.now(UTC) - timedelta(seconds=INTERVAL_S)
    env = {"MAINTENANCE_INTERVAL_OVERRIDE_S": str(INTERVAL_S)}
    beats: list[CeleryBeat] = []
    try:
        beats = [CeleryBeat.start(name=n, workdir=tmp_path, env=env) for n in ("a", "b")]
        time.sleep(RUN_FOR_S)  # both beats send every task every INTERVAL_S meanwhile
        for beat in beats:
            beat.stop()
        sent = sum((b.sent() for b in beats), Counter())
        deadline = time.monotonic() + DRAIN_DEADLINE_S
        while time.monotonic() < deadline:
            rows = runs_since(start)
            if all(accounted(rows)[t] == sent[t] for t in TASKS):
                break
            time.sleep(0.2)  # polling interval of a bounded wait for the queue to drain
    finally:
        for beat in beats:
            beat.stop()
        worker.stop()

    per_beat = [b.sent() for b in beats]
    for task in TASKS:
        assert all(p[task] >= 3 for p in per_beat), (task, per_beat)
        mine = [r for r in rows if r.task == task]
        assert accounted(rows)[task] == sent[task], (task, sent[task], mine)
        assert all(r.attempts == 1 and r.state == "succeeded" for r in mine), mine
        assert len({r.slot for r in mine}) == len(mine)
        # Both beats sent (nearly) every slot, so most slots had a duplicate that skipped.
        assert sum(r.duplicates for r in mine) >= 2, mine
        assert len(mine) >= 3
    # Independently of the run table: the worker's log never shows a slot running twice.
    returned = RETURNED.findall(worker.log.read_text())
    ran = Counter((task, slot) for task, slot, did in returned if did == "True")
    assert ran and max(ran.values()) == 1, ran
    assert any(did == "False" for _, _, did in returned)
