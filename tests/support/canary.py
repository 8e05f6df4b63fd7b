"""Canary jobs inserted and published the way the API does, for delivery and fault tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import redis
from sqlalchemy import create_engine, insert

from app.core.config import settings
from app.jobs.publish import publish_job
from app.models import Job
from app.services.fleet.canary import EFFECTS, EXECUTIONS


def insert_canary(user_id: str, *, priority: int = 5, publish: bool = True,
                  **params: Any) -> uuid.UUID:
    """Commit a canary job row, then publish it (as the API's after-commit hook does)."""
    job_id = uuid.uuid4()
    now = datetime.now(UTC)
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(Job).values(
            id=job_id, user_id=uuid.UUID(user_id), kind="canary", task_name="system.canary",
            queue="default", priority=priority, state="queued" if publish else "pending",
            params=params,
            history=[{"state": "pending", "at": now.isoformat()}], progress=0.0, attempts=0,
            created_at=now, queued_at=now))
    engine.dispose()
    if publish:
        publish_job(job_id=job_id, task_name="system.canary", queue="default",
                    priority=priority)
    return job_id


def canary_counts(job_id: uuid.UUID) -> tuple[int, int]:
    """(executions, effects applied) recorded by the canary for this job."""
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    executions = int(client.hget(EXECUTIONS, str(job_id)) or 0)
    effects = int(client.hget(EFFECTS, str(job_id)) or 0)
    client.close()
    return executions, effects
