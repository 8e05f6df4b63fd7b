"""Rows read and written straight in the database: due times, photos at chosen times, runs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, create_engine, delete, insert, select, update

from app.core.config import settings
from app.models import Asset, Job, Schedule, ScheduleRun


@contextmanager
def connection() -> Iterator[Connection]:
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def set_next_fire(schedule_ids: list[str], at: datetime) -> None:
    """Move schedules' next fire time, as a platform that was down leaves it behind."""
    with connection() as conn:
        conn.execute(update(Schedule).where(Schedule.id.in_(schedule_ids))
                     .values(next_fire_at=at))


def schedule_row(schedule_id: str) -> Any:
    with connection() as conn:
        return conn.execute(select(Schedule.__table__)
                            .where(Schedule.id == schedule_id)).one()


def add_photo(user_id: str, created: datetime) -> str:
    """An image asset row added at `created` (never rendered: it only has to be found)."""
    asset_id = uuid.uuid4()
    with connection() as conn:
        conn.execute(insert(Asset).values(
            id=asset_id, user_id=uuid.UUID(user_id), kind="image", content_type="image/jpeg",
            filename="old.jpg", storage_key=f"assets/{user_id}/{asset_id}.jpg", size_bytes=1,
            sha256="0" * 64, width=16, height=16, created_at=created))
    return str(asset_id)


def add_video_jobs(user_id: str, count: int) -> None:
    """Finished video jobs created now: they count against the hourly submit quota."""
    now = datetime.now(UTC)
    with connection() as conn:
        conn.execute(insert(Job), [{
            "id": uuid.uuid4(), "user_id": uuid.UUID(user_id), "kind": "video",
            "task_name": "video.render", "queue": "video", "priority": 5,
            "state": "succeeded", "params": {}, "history": [], "progress": 1.0, "attempts": 1,
            "created_at": now, "finished_at": now} for _ in range(count)])


def runs_of(schedule_ids: list[str]) -> list[Any]:
    with connection() as conn:
        return list(conn.execute(select(ScheduleRun.__table__)
                                 .where(ScheduleRun.schedule_id.in_(schedule_ids))))


def jobs_of(user_id: str) -> list[Any]:
    with connection() as conn:
        return list(conn.execute(select(Job.id, Job.state, Job.history, Job.params)
                                 .where(Job.user_id == user_id)))


def delete_all_schedules() -> None:
    with connection() as conn:
        conn.execute(delete(Schedule))
