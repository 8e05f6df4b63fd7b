"""Run claims: one per (task, slot), duplicates counted, a dead worker's claim taken over."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from celery.beat import BeatLazyFunc
from celery.schedules import crontab

from app.jobs.names import TaskName
from app.services.maintenance import claim_run, finish_run
from app.tasks.periodic_schedule import maintenance_beat_schedule, slot_for


def a_slot() -> datetime:
    return datetime(2005, 1, 1, tzinfo=UTC).replace(microsecond=uuid.uuid4().int % 10**6)


def test_a_slot_is_claimed_once_and_duplicates_are_counted() -> None:
    slot = a_slot()
    first = claim_run(task="maintenance.test", slot=slot, worker="w1")
    assert first is not None
    assert claim_run(task="maintenance.test", slot=slot, worker="w2") is None
    finish_run(first, state="succeeded", result={})
    assert claim_run(task="maintenance.test", slot=slot, worker="w2") is None
    assert claim_run(task="maintenance.other", slot=slot) is not None  # another task


def test_a_claim_left_running_past_its_lease_is_taken_over() -> None:
    slot = a_slot()
    crashed = claim_run(task="maintenance.test", slot=slot, worker="dead")
    assert claim_run(task="maintenance.test", slot=slot, lease_s=3600) is None
    taken = claim_run(task="maintenance.test", slot=slot, worker="w2", lease_s=0)
    assert taken == crashed  # the same row, attempted again
    finish_run(taken, state="failed", result={"error": "x"})
    # A finished run is never taken over, however old: failures wait for the next slot.
    assert claim_run(task="maintenance.test", slot=slot, lease_s=0) is None


def test_runs_without_a_slot_always_run() -> None:
    assert claim_run(task="maintenance.test", slot=None) is not None
    assert claim_run(task="maintenance.test", slot=None) is not None


def test_slot_is_the_start_of_the_period() -> None:
    noon = datetime(2026, 1, 2, 12, 7, 30, tzinfo=UTC).timestamp()
    assert slot_for(300, noon) == "2026-01-02T12:05:00+00:00"
    assert slot_for(86400, noon) == "2026-01-02T00:00:00+00:00"
    assert slot_for(3600, noon + 0.001) == slot_for(3600, noon + 1700)


def test_beat_entries_stamp_their_slot_when_sent() -> None:
    entries = maintenance_beat_schedule()
    report = entries[TaskName.MAINTENANCE_DAILY_REPORT.value]
    assert isinstance(report["schedule"], crontab)
    stamp = report["kwargs"]["slot"]
    assert isinstance(stamp, BeatLazyFunc)
    assert stamp().endswith("T00:00:00+00:00")
    assert report["options"]["expires"] == 86400
    assert set(entries) == {TaskName.MAINTENANCE_CLEANUP_TEMP.value,
                            TaskName.MAINTENANCE_CHECK_FAILURES.value,
                            TaskName.MAINTENANCE_USAGE.value,
                            TaskName.MAINTENANCE_DAILY_REPORT.value}
