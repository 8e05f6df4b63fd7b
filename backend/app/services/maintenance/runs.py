"""Claim a maintenance run for its slot at most once; record how it ended.

The claim is one INSERT .. ON CONFLICT on the unique (task, slot): of two beat processes
sending the same period, or one message delivered twice, exactly one inserts the row and
runs. A claim still `running` after the lease belonged to a worker that died, and is
taken over (every maintenance task is idempotent, so a rerun is safe).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.dialects.postgresql import insert

from app.core.config import settings
from app.core.db import sync_session
from app.models.maintenance_run import MaintenanceRun


def claim_run(*, task: str, slot: datetime | None, worker: str | None = None,
              lease_s: float | None = None) -> uuid.UUID | None:
    """The new run's id, or None when this slot is already claimed (count the duplicate)."""
    now = datetime.now(UTC)
    stale = now - timedelta(seconds=settings.maintenance.MAINTENANCE_RUN_LEASE_S if lease_s is None
                            else lease_s)
    row = MaintenanceRun.__table__.c
    claim = insert(MaintenanceRun).values(
        id=uuid.uuid4(), task=task, slot=slot, state="running", attempts=1, duplicates=0,
        worker=worker, started_at=now,
    ).on_conflict_do_update(
        constraint="uq_maintenance_runs_task_slot",
        set_={"state": "running", "attempts": row.attempts + 1, "worker": worker,
              "started_at": now, "finished_at": None, "result": None},
        where=(row.state == "running") & (row.started_at < stale),
    ).returning(row.id)
    with sync_session() as session:
        run_id: uuid.UUID | None = session.execute(claim).scalar_one_or_none()
        if run_id is None:
            session.execute(update(MaintenanceRun)
                            .where(MaintenanceRun.task == task, MaintenanceRun.slot == slot)
                            .values(duplicates=MaintenanceRun.duplicates + 1))
        session.commit()
    return run_id


def finish_run(run_id: uuid.UUID, *, state: str, result: dict[str, Any]) -> None:
    """Record the outcome of a claimed run."""
    with sync_session() as session:
        session.execute(update(MaintenanceRun).where(MaintenanceRun.id == run_id)
                        .values(state=state, result=result, finished_at=datetime.now(UTC)))
        session.commit()


def prune_runs(*, before: datetime) -> int:
    """Forget runs started before `before`; returns how many rows went."""
    with sync_session() as session:
        gone = session.execute(delete(MaintenanceRun).where(MaintenanceRun.started_at < before))
        session.commit()
    return int(gone.rowcount)  # type: ignore[attr-defined]
