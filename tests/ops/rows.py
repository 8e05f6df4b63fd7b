"""Rows written straight into the database (users, jobs, assets and workflows at chosen
times), a job read back whole, and who waits on whose locks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, create_engine, insert, select, text

from app.core.config import settings
from app.core.db import sync_session
from app.models import Asset, Job, User, Workflow


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(model), rows)
    engine.dispose()


def make_user(*, role: str = "user", email: str | None = None) -> uuid.UUID:
    user_id = uuid.uuid4()
    _insert(User, [{"id": user_id, "email": email or f"ops-{user_id.hex[:12]}@example.com",
                    "password_hash": "x", "role": role, "plan": "free", "is_active": True}])
    return user_id


def job(user_id: uuid.UUID, *, created: datetime, state: str = "succeeded",
        queue: str = "video", kind: str = "video", run_s: float | None = 1.0,
        error_code: str | None = None, finished: datetime | None = None) -> dict[str, Any]:
    """A jobs row; a finished one started at `created` and ran `run_s` seconds."""
    ended = finished or (created + timedelta(seconds=run_s) if run_s is not None else None)
    started = ended - timedelta(seconds=run_s) if ended and run_s is not None else None
    error = {"code": error_code, "message": f"{error_code} happened"} if error_code else None
    return {"id": uuid.uuid4(), "user_id": user_id, "kind": kind, "task_name": "video.render",
            "queue": queue, "priority": 5, "state": state, "params": {}, "history": [],
            "progress": 1.0, "attempts": 1, "error": error, "created_at": created,
            "started_at": started, "finished_at": ended}


def add_jobs(rows: list[dict[str, Any]]) -> None:
    _insert(Job, rows)


def add_asset(user_id: uuid.UUID, *, key: str, size: int, created: datetime) -> uuid.UUID:
    asset_id = uuid.uuid4()
    _insert(Asset, [{"id": asset_id, "user_id": user_id, "kind": "image",
                     "content_type": "image/jpeg", "filename": "a.jpg", "storage_key": key,
                     "size_bytes": size, "sha256": "0" * 64, "width": 16, "height": 16,
                     "created_at": created}])
    return asset_id


def stored_job(job_id: uuid.UUID) -> Job:
    """The job's row as stored now, detached from its session."""
    with sync_session() as session:
        row = session.scalar(select(Job).where(Job.id == job_id))
        assert row is not None
        session.expunge(row)
        return row


def workflow_step(user_id: uuid.UUID, *, state: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A running one-step workflow (its `content` step in `state`): (workflow id, job id)."""
    workflow_id, now = uuid.uuid4(), datetime.now(UTC)
    _insert(Workflow, [{"id": workflow_id, "user_id": user_id, "state": "running",
                        "steps": ["content"], "created_at": now}])
    row = job(user_id, created=now, state=state, run_s=None)
    row.update(workflow_id=workflow_id, step="content", progress=0.0, attempts=0)
    add_jobs([row])
    return workflow_id, uuid.UUID(str(row["id"]))


def blocked_by(conn: Connection, holder_pid: int) -> int:
    """How many backends wait for a lock the holder's connection (its pid) has."""
    return int(conn.execute(text(
        "SELECT count(*) FROM pg_stat_activity WHERE :holder = ANY(pg_blocking_pids(pid))"),
        {"holder": holder_pid}).scalar_one())
