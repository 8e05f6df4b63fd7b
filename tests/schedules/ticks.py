"""Ticks sent through real workers, and their results read back from the worker's log."""

from __future__ import annotations

import ast
import re
import time
import uuid
from datetime import datetime
from pathlib import Path

from app.jobs.names import TaskName
from app.tasks.app import celery_app
from tests.support.processes import CeleryWorker

DEADLINE_S = 60.0
# Celery's own log line for a task's return value.
RESULT = re.compile(r"Task schedules\.tick\[([0-9a-f-]+)\] succeeded in [\d.]+s: (\{.*\})")


def results(log: Path) -> dict[str, dict[str, int]]:
    """Every tick result in a worker log, by task id."""
    found = RESULT.findall(log.read_text()) if log.exists() else []
    return {task_id: ast.literal_eval(body) for task_id, body in found}


def send_ticks(worker: CeleryWorker, queue: str, now: datetime,
               count: int = 1) -> list[dict[str, int]]:
    """Send `count` ticks for the same instant at once and wait for all their results."""
    ids = [celery_app.send_task(TaskName.SCHEDULES_TICK.value, kwargs={"now": now.isoformat()},
                                queue=queue, task_id=str(uuid.uuid4())).id
           for _ in range(count)]
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        done = results(worker.log)
        if all(i in done for i in ids):
            return [done[i] for i in ids]
        if worker.proc.poll() is not None:
            raise RuntimeError(f"tick worker exited:\n{worker.log.read_text()[-3000:]}")
        time.sleep(0.05)  # polling interval of a bounded wait on the worker's log
    raise AssertionError(f"ticks {ids} not done in {DEADLINE_S}s:\n"
                         f"{worker.log.read_text()[-3000:]}")
