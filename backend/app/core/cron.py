"""When a schedule fires: a five-field cron expression read in the schedule's time zone.

A schedule is a set of local wall-clock times, and each of them fires once:
- a wall time the clocks skip (spring forward) fires at the instant of the jump;
- a wall time that happens twice (fall back) fires at its first occurrence.
So a 07:00 schedule fires once every local day, DST change days included. With these two
rules the instant of a wall time never decreases as the wall time grows, which is what
lets the searches below stop at the first candidate on the right side of `at`.
"""

from __future__ import annotations

import bisect
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from croniter import CroniterError, croniter

FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")
_NAMES = {
    3: {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"},
    4: {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"},
}
# Vixie cron syntax only: croniter's extensions (L, W, #, H, R) are refused, R for being random.
_SYNTAX = re.compile(r"[0-9A-Za-z*,/-]+")
_WORD = re.compile(r"[A-Za-z]+")


def parse_cron(expr: str) -> str:
    """The expression with single spaces, or ValueError saying what is wrong with it."""
    fields = expr.split()
    if len(fields) != len(FIELDS):
        raise ValueError(f"needs five fields ({' '.join(FIELDS)}), got {len(fields)}")
    for index, field in enumerate(fields):
        words = {w.upper() for w in _WORD.findall(field)}
        if not _SYNTAX.fullmatch(field) or words - _NAMES.get(index, set()):
            raise ValueError(f"the {FIELDS[index]} field {field!r} may hold numbers, "
                             f"{'names, ' if index in _NAMES else ''}'*', ',', '-' and '/'")
    normal = " ".join(fields)
    if not croniter.is_valid(normal):
        raise ValueError(f"{normal!r} is not a valid cron expression")
    try:
        croniter(normal, datetime(2000, 1, 1)).get_next(datetime)
    except (CroniterError, ValueError, OverflowError):
        raise ValueError(f"{normal!r} never matches a date") from None
    return normal


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def parse_timezone(name: str) -> str:
    """The name if it is an IANA time zone (`Europe/Berlin`, `UTC`), else ValueError."""
    if name not in _zone_names():
        raise ValueError(f"{name!r} is not an IANA time zone name such as 'Europe/Berlin'")
    return name


def _jump(wall: datetime, zone: ZoneInfo) -> datetime:
    """The instant the clocks jump over `wall`, a wall time that does not exist."""
    before = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)  # read with the later offset
    after = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)  # read with the earlier one
    offset = after.astimezone(zone).utcoffset()
    seconds = range(int((after - before).total_seconds()) + 1)
    step = bisect.bisect_left(seconds, True, key=lambda s: (
        (before + timedelta(seconds=s)).astimezone(zone).utcoffset() == offset))
    return before + timedelta(seconds=step)


def instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant a (naive) local wall time fires at, by the two rules above."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) != wall:
        return _jump(wall, zone)
    return first


def next_fire_after(expr: str, timezone: str, after: datetime) -> datetime:
    """The first fire time strictly after `after` (aware), in UTC."""
    zone = ZoneInfo(timezone)
    walls = croniter(expr, after.astimezone(zone).replace(tzinfo=None))
    while True:
        # Past the first candidate only inside a repeated hour, whose walls already fired.
        at = instant(walls.get_next(datetime), zone)
        if at > after:
            return at


def latest_fire_at_or_before(expr: str, timezone: str, at: datetime) -> datetime:
    """The last fire time at or before `at` (aware), in UTC."""
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    # In the second pass of a repeated hour, later walls of that hour fired in the first.
    repeat = (local.replace(fold=0).utcoffset() or timedelta()) - (
        local.utcoffset() or timedelta())
    top = local.replace(tzinfo=None, fold=0) + repeat
    start = top.replace(second=0, microsecond=0) + timedelta(minutes=1)
    walls = croniter(expr, start)
    while True:
        found = instant(walls.get_prev(datetime), zone)
        if found <= at:
            return found


def due_fire_time(expr: str, timezone: str, next_fire_at: datetime | None,
                  now: datetime) -> datetime | None:
    """The one fire time to run at `now`: the latest one missed, or None when none is due."""
    if next_fire_at is None or next_fire_at > now:
        return None
    latest = latest_fire_at_or_before(expr, timezone, now)
    return latest if latest >= next_fire_at else None
