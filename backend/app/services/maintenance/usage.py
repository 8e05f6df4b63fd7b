"""Usage per user and UTC day, recomputed from the jobs and assets rows and upserted.

Recomputing whole days (today and yesterday by default) makes every run idempotent:
the same rows give the same figures however often it runs.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import sync_session
from app.models import Asset, Job
from app.models.usage import UsageDaily

FAILED = ("failed", "dead")
UPSERT_BATCH = 1000
FIELDS = ("jobs", "jobs_failed", "render_seconds", "storage_bytes", "uploaded_bytes")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, UTC)
    return start, start + timedelta(days=1)


def usage_for_day(session: Session, day: date) -> dict[uuid.UUID, dict[str, Any]]:
    """Every user with activity or stored bytes on `day`, and their figures."""
    start, end = day_bounds(day)
    rows: dict[uuid.UUID, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    submitted = (
        select(Job.user_id, func.count(), func.count().filter(Job.state.in_(FAILED)))
        .where(Job.created_at >= start, Job.created_at < end).group_by(Job.user_id))
    for user_id, jobs, failed in session.execute(submitted):
        rows[user_id].update(jobs=jobs, jobs_failed=failed)
    render_s = func.sum(func.extract("epoch", Job.finished_at - Job.started_at))
    rendered = (
        select(Job.user_id, render_s)
        .where(Job.kind == "video", Job.started_at.is_not(None), Job.finished_at >= start,
               Job.finished_at < end).group_by(Job.user_id))
    for user_id, seconds in session.execute(rendered):
        rows[user_id]["render_seconds"] = round(float(seconds or 0), 3)
    # Storage held at the day's end, from the assets that exist now (deleted ones are gone);
    # the shared library belongs to nobody's usage.
    stored = (
        select(Asset.user_id, func.sum(Asset.size_bytes),
               func.sum(Asset.size_bytes).filter(Asset.created_at >= start))
        .where(Asset.created_at < end, Asset.user_id.is_not(None)).group_by(Asset.user_id))
    for owner, held, uploaded in session.execute(stored):
        if owner is not None:
            rows[owner].update(storage_bytes=int(held or 0), uploaded_bytes=int(uploaded or 0))
    return dict(rows)


def _upsert(session: Session, day: date, rows: dict[uuid.UUID, dict[str, Any]]) -> None:
    # now() is the transaction's start: every row written here carries it, older ones don't.
    values = [{"user_id": user_id, "day": day, "updated_at": func.now(), **figures}
              for user_id, figures in rows.items()]
    for i in range(0, len(values), UPSERT_BATCH):
        stmt = insert(UsageDaily).values(values[i:i + UPSERT_BATCH])
        session.execute(stmt.on_conflict_do_update(
            index_elements=[UsageDaily.user_id, UsageDaily.day],
            set_={**{f: stmt.excluded[f] for f in FIELDS}, "updated_at": func.now()}))
    # A user whose activity vanished (jobs and assets deleted) keeps no row for the day.
    session.execute(delete(UsageDaily).where(UsageDaily.day == day,
                                             UsageDaily.updated_at < func.now()))


def update_usage_statistics(*, days: list[date] | None = None,
                            now: datetime | None = None) -> dict[str, Any]:
    """Every 10 min: recompute and upsert `usage_daily` for the recent days."""
    today = (now or datetime.now(UTC)).date()
    lookback = settings.maintenance.USAGE_LOOKBACK_DAYS
    wanted = days or [today - timedelta(days=i) for i in range(lookback)]
    counts = {}
    with sync_session() as session:
        for day in sorted(wanted):
            rows = usage_for_day(session, day)
            _upsert(session, day, rows)
            counts[day.isoformat()] = len(rows)
        session.commit()
    return {"days": counts}
