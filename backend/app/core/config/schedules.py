"""User schedules (docs/schedules.md): the tick and the per-user cap."""

from __future__ import annotations

from app.core.config.group import Group


class ScheduleSettings(Group):
    """How often due schedules are fired and how many a user may keep."""

    # Beat sends `schedules.tick` this often; one tick fires at most SCHEDULE_TICK_BATCH due
    # schedules, the rest wait for the next tick.
    SCHEDULE_TICK_INTERVAL_S: float = 30.0
    SCHEDULE_TICK_BATCH: int = 500
    SCHEDULE_MAX_PER_USER: int = 50
