"""Usage per user and day: recomputed from jobs and assets, upserted, idempotent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, delete, select

from app.core.config import settings
from app.models import Asset, Job, UsageDaily
from app.services.maintenance import update_usage_statistics
from tests.ops.rows import add_asset, add_jobs, job, make_user

DAY = date(2003, 5, 6)


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def usage(user_id: object) -> dict[date, tuple[int, int, float, int, int]]:
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        rows = conn.execute(select(UsageDaily.__table__).where(UsageDaily.user_id == user_id))
        found = {r.day: (r.jobs, r.jobs_failed, r.render_seconds, r.storage_bytes,
                         r.uploaded_bytes) for r in rows}
    engine.dispose()
    return found


def test_usage_counts_jobs_render_time_and_storage_per_day() -> None:
    user, idle = make_user(), make_user()
    nxt = DAY + timedelta(days=1)
    add_jobs([
        job(user, created=at(DAY, 9), run_s=10.0),
        job(user, created=at(DAY, 10), run_s=5.5, state="failed", error_code="boom"),
        job(user, created=at(DAY, 11), kind="script", queue="content", run_s=100.0),
        # submitted on DAY, rendered across midnight: its render time belongs to the next day
        job(user, created=at(DAY, 23), finished=at(nxt, 0) + timedelta(minutes=1), run_s=120.0),
    ])
    add_asset(user, key=f"assets/{user}/old.jpg", size=1000, created=at(DAY, 0) - timedelta(1))
    add_asset(user, key=f"assets/{user}/new.jpg", size=500, created=at(DAY, 8))

    result = update_usage_statistics(days=[DAY, nxt])

    assert result["days"][DAY.isoformat()] >= 1
    assert usage(user) == {DAY: (4, 1, 15.5, 1500, 500), nxt: (0, 0, 120.0, 1500, 0)}
    assert usage(idle) == {}
    update_usage_statistics(days=[DAY, nxt])  # a second run changes nothing
    assert usage(user)[DAY] == (4, 1, 15.5, 1500, 500)


def test_a_day_whose_activity_vanished_keeps_no_row() -> None:
    user = make_user()
    day = DAY - timedelta(days=30)
    add_jobs([job(user, created=at(day, 12))])
    add_asset(user, key=f"assets/{user}/a.jpg", size=10, created=at(day, 12))
    update_usage_statistics(days=[day])
    assert usage(user) == {day: (1, 0, 1.0, 10, 10)}

    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(delete(Job).where(Job.user_id == user))
        conn.execute(delete(Asset).where(Asset.user_id == user))
    engine.dispose()
    update_usage_statistics(days=[day])
    assert usage(user) == {}


def test_default_window_is_today_and_yesterday() -> None:
    now = at(DAY + timedelta(days=90), 0) + timedelta(minutes=10)
    result = update_usage_statistics(now=now)
    assert sorted(result["days"]) == [(now.date() - timedelta(days=1)).isoformat(),
                                      now.date().isoformat()]
