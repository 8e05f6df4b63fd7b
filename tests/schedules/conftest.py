"""Schedule fixtures: a worker that runs the ticks these tests send on a queue of its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from tests.support.processes import CeleryWorker


@dataclass
class TickWorker:
    """Two worker processes, so two ticks sent at once run at the same time."""

    worker: CeleryWorker
    queue: str

    def tick(self, now: datetime, count: int = 1) -> list[dict[str, int]]:
        # Imported here: a conftest loads before the session points settings at its database.
        from tests.schedules.ticks import send_ticks

        return send_ticks(self.worker, self.queue, now, count)


@pytest.fixture(scope="package")
def tick_worker(tmp_root: Path) -> Iterator[TickWorker]:
    # A private queue: no other worker of the session takes these ticks.
    queue = f"schedule-ticks-{uuid.uuid4().hex[:8]}"
    worker = CeleryWorker.start(name="ticks", queues=queue, concurrency=2,
                                log_dir=tmp_root / "logs")
    try:
        yield TickWorker(worker, queue)
    finally:
        worker.stop()


@pytest.fixture(autouse=True)
def _no_schedules_left() -> Iterator[None]:
    """Every test starts with no schedules: a tick fires all that are due, not one test's."""
    from tests.schedules.rows import delete_all_schedules

    delete_all_schedules()
    yield
