"""When schedules fire: cron read in a time zone across DST changes, and missed fire times.

In 2026 New York springs forward on March 8 (02:00 -> 03:00) and falls back on November 1
(02:00 -> 01:00); Berlin changes on March 29 and October 25; Lord Howe Island moves by
half an hour. Every "now" here is fixed: these are pure functions of their arguments.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.core.cron import (
    due_fire_time,
    latest_fire_at_or_before,
    next_fire_after,
    parse_cron,
    parse_timezone,
)

NY = "America/New_York"


def fires(expr: str, zone: str, start: datetime, count: int) -> list[datetime]:
    times, at = [], start
    for _ in range(count):
        at = next_fire_after(expr, zone, at)
        times.append(at)
    return times


def local(at: datetime, zone: str) -> datetime:
    return at.astimezone(ZoneInfo(zone))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


@pytest.mark.parametrize("zone", [NY, "Europe/Berlin", "Australia/Lord_Howe", "UTC"])
def test_seven_am_fires_once_every_local_day_of_the_year(zone: str) -> None:
    times = fires("0 7 * * *", zone, utc(2026, 1, 1), 365)
    days = [local(t, zone).date() for t in times]
    assert days == [days[0] + timedelta(days=i) for i in range(365)]
    assert {local(t, zone).time() for t in times} == {time(7, 0)}
    offsets = {local(t, zone).utcoffset() for t in times}
    assert len(offsets) == (1 if zone == "UTC" else 2)  # both sides of DST were crossed


def test_a_skipped_wall_time_fires_once_at_the_jump() -> None:
    times = fires("30 2 * * *", NY, utc(2026, 3, 6, 12), 4)
    walls = [local(t, NY) for t in times]
    assert [w.date() for w in walls] == [date(2026, 3, d) for d in (7, 8, 9, 10)]
    # 02:30 does not exist on March 8: it fires when the clocks jump, 03:00 EDT.
    assert times[1] == utc(2026, 3, 8, 7, 0)
    assert [w.time() for w in walls] == [time(2, 30), time(3, 0), time(2, 30), time(2, 30)]


def test_a_repeated_wall_time_fires_once_at_its_first_occurrence() -> None:
    times = fires("30 1 * * *", NY, utc(2026, 10, 30, 12), 4)
    assert [local(t, NY).date() for t in times] == [date(2026, 10, 31), date(2026, 11, 1),
                                                   date(2026, 11, 2), date(2026, 11, 3)]
    assert utc(2026, 11, 1, 5, 30) in times  # 01:30 EDT
    assert utc(2026, 11, 1, 6, 30) not in times  # 01:30 EST, the second time round


def test_half_hourly_never_repeats_an_instant_across_either_change() -> None:
    spring = fires("*/30 * * * *", NY, utc(2026, 3, 8, 5, 45), 4)
    assert [local(t, NY).strftime("%H:%M %Z") for t in spring] == [
        "01:00 EST", "01:30 EST", "03:00 EDT", "03:30 EDT"]  # 02:00 and 02:30 fold into 03:00
    autumn = fires("*/30 * * * *", NY, utc(2026, 11, 1, 4, 45), 4)
    assert [local(t, NY).strftime("%H:%M %Z") for t in autumn] == [
        "01:00 EDT", "01:30 EDT", "02:00 EST", "02:30 EST"]  # the repeated hour fired once


def test_only_the_latest_missed_fire_time_runs() -> None:
    # Due since 07:00 three days ago; the platform comes back at 09:10 today.
    due_since = utc(2026, 6, 7, 5, 0)  # 07:00 in Berlin (CEST)
    now = utc(2026, 6, 10, 7, 10)
    assert due_fire_time("0 7 * * *", "Europe/Berlin", due_since, now) == utc(2026, 6, 10, 5, 0)
    assert next_fire_after("0 7 * * *", "Europe/Berlin", now) == utc(2026, 6, 11, 5, 0)


def test_nothing_is_due_before_the_next_fire_time() -> None:
    next_at = utc(2026, 6, 10, 5, 0)
    assert due_fire_time("0 7 * * *", "Europe/Berlin", next_at, next_at - timedelta(
        microseconds=1)) is None
    assert due_fire_time("0 7 * * *", "Europe/Berlin", next_at, next_at) == next_at
    assert due_fire_time("0 7 * * *", "Europe/Berlin", None, next_at) is None  # paused


def test_latest_in_the_second_pass_of_a_repeated_hour() -> None:
    # 06:15 UTC is 01:15 EST, the second pass: every wall time of that hour fired in the first.
    assert latest_fire_at_or_before("*/20 * * * *", NY, utc(2026, 11, 1, 6, 15)) == utc(
        2026, 11, 1, 5, 40)
    assert next_fire_after("*/20 * * * *", NY, utc(2026, 11, 1, 6, 15)) == utc(2026, 11, 1, 7)


@pytest.mark.parametrize("zone", [NY, "Europe/Berlin", "Australia/Lord_Howe"])
@pytest.mark.parametrize("expr", ["*/20 * * * *", "30 1,2 * * *", "0 7 * * mon-fri",
                                  "15 */3 1-10 * *"])
def test_latest_and_next_bracket_every_instant(expr: str, zone: str) -> None:
    rng = random.Random(f"{expr}|{zone}")
    for _ in range(300):
        at = utc(2026, 1, 1) + timedelta(seconds=rng.randrange(366 * 86400))
        before = latest_fire_at_or_before(expr, zone, at)
        after = next_fire_after(expr, zone, at)
        assert before <= at < after
        assert next_fire_after(expr, zone, before) == after  # no fire time in between


@pytest.mark.parametrize("expr", ["0 7 * * *", "*/5 * * * *", "0 0 1 jan *",
                                  "0 9 * * MON-FRI", "59 23 31 12 *", "0 0 29 2 *"])
def test_valid_cron(expr: str) -> None:
    assert parse_cron(f"  {expr} ") == expr


@pytest.mark.parametrize(("expr", "says"), [
    ("* * * *", "five fields"), ("0 0 * * * *", "five fields"), ("", "five fields"),
    ("60 * * * *", "not a valid"), ("R * * * *", "minute field"),
    ("0 0 L * *", "day-of-month field"), ("0 0 * * 1#2", "day-of-week field"),
    ("H * * * *", "minute field"), ("0 0 1 MON *", "month field"),
    ("0 0 30 2 *", "never matches"), ("@daily * * * *", "minute field"),
])
def test_invalid_cron(expr: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_cron(expr)


def test_time_zones_are_iana_names() -> None:
    assert parse_timezone("Europe/Berlin") == "Europe/Berlin"
    assert parse_timezone("UTC") == "UTC"
    for bad in ("Mars/Olympus", "europe/berlin", "../etc/passwd", "+02:00", ""):
        with pytest.raises(ValueError, match="IANA"):
            parse_timezone(bad)
