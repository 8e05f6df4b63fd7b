"""Beat entries of the maintenance tasks, each stamped with the slot it belongs to.

The slot (the start of the schedule period, UTC) is computed by the beat process when it
sends the message (`BeatLazyFunc`), not by the worker when it runs it: a message that
waits in the queue still belongs to its own period, and two beat processes sending the
same period produce the same slot, which the run claims once (services/maintenance/runs.py).
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

from celery.beat import BeatLazyFunc
from celery.schedules import crontab

from app.core.config import settings
from app.jobs.names import TaskName

MIN_EXPIRY_S = 60.0

# (schedule, period in seconds); crontab runs on the period boundaries in UTC.
MAINTENANCE_SCHEDULE: dict[TaskName, tuple[Any, int]] = {
    TaskName.MAINTENANCE_CLEANUP_TEMP: (crontab(minute="0"), 3600),
    TaskName.MAINTENANCE_CHECK_FAILURES: (crontab(minute="*/5"), 300),
    TaskName.MAINTENANCE_USAGE: (crontab(minute="*/10"), 600),
    TaskName.MAINTENANCE_DAILY_REPORT: (crontab(minute="0", hour="0"), 86400),
}


def slot_for(period_s: float, now: float | None = None) -> str:
    """The start of the period `now` falls in, as an ISO-8601 UTC timestamp."""
    at = time.time() if now is None else now
    start = math.floor(at / period_s) * period_s
    return datetime.fromtimestamp(start, UTC).isoformat()


def period_of(task: TaskName) -> float:
    """The schedule period of a maintenance task (the test override wins)."""
    return settings.maintenance.MAINTENANCE_INTERVAL_OVERRIDE_S or MAINTENANCE_SCHEDULE[task][1]


def maintenance_beat_schedule() -> dict[str, dict[str, Any]]:
    """`beat_schedule` entries; MAINTENANCE_INTERVAL_OVERRIDE_S runs them all that often."""
    override = settings.maintenance.MAINTENANCE_INTERVAL_OVERRIDE_S
    entries = {}
    for task, (schedule, _) in MAINTENANCE_SCHEDULE.items():
        period = period_of(task)
        entries[task.value] = {
            "task": task.value,
            "schedule": override or schedule,
            "kwargs": {"slot": BeatLazyFunc(slot_for, period)},
            # A message older than its period is stale: the next slot's run covers it
            # (at least a minute, so the seconds-long test periods survive a busy worker).
            "options": {"expires": max(period, MIN_EXPIRY_S)},
        }
    return entries


def schedules_beat_schedule() -> dict[str, dict[str, Any]]:
    """The user-schedule tick (docs/schedules.md): idempotent, so no slot is stamped; two
    beats, or a late message, fire nothing twice (services/schedules/tick.py)."""
    interval = settings.schedules.SCHEDULE_TICK_INTERVAL_S
    return {TaskName.SCHEDULES_TICK.value: {
        "task": TaskName.SCHEDULES_TICK.value,
        "schedule": interval,
        # A tick that waited past this is dropped: a later one fires the same schedules.
        "options": {"expires": max(interval, MIN_EXPIRY_S)},
    }}


def posts_beat_schedule() -> dict[str, dict[str, Any]]:
    """The scheduled-posts tick (services/social_posts/due.py): idempotent like the
    schedules' tick, so two beats or a late message hand no post on twice."""
    interval = settings.publishing.POST_TICK_INTERVAL_S
    return {TaskName.SOCIAL_POSTS_TICK.value: {
        "task": TaskName.SOCIAL_POSTS_TICK.value,
        "schedule": interval,
        "options": {"expires": max(interval, MIN_EXPIRY_S)},
    }}
