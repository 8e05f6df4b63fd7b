"""Helpers for tests that submit jobs and inspect their rows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, select, update

from app.core.config import settings
from app.models import Job
from tests.support.fixtures import Account
from tests.support.media import image_bytes


def upload_images(account: Account, count: int, size: tuple[int, int] = (640, 360)) -> list[str]:
    colors = [(200, 40, 40), (40, 200, 40), (40, 40, 200), (200, 200, 40)]
    return [account.upload(image_bytes(colors[i % len(colors)], size), f"{i}.png").json()["id"]
            for i in range(count)]


def submit(account: Account, images: list[str], **fields: Any) -> dict[str, Any]:
    body = {"asset_ids": images, "transition": "none", "resolution": "1080x1080",
            "fps": 24, **fields}
    answer = account.client.post("/api/v1/tasks/submit/video", json=body)
    assert answer.status_code == 202, answer.text
    job: dict[str, Any] = answer.json()
    return job


def started_at(job: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(job["started_at"])


def job_row(job_id: uuid.UUID) -> Any:
    """The job's row as stored, read on a connection of its own."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(Job.__table__).where(Job.id == job_id)).one()
    finally:
        engine.dispose()


def cancel_waiting(queue: str) -> int:
    """Cancel every job still waiting for `queue` (left by earlier tests that only needed
    it submitted), so a worker started on it now skips their messages instead of running
    a backlog; returns how many."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.begin() as conn:
            return int(conn.execute(update(Job).where(
                Job.queue == queue,
                Job.state.in_(["pending", "queued", "held", "retrying"])).values(
                state="cancelled")).rowcount)
    finally:
        engine.dispose()
