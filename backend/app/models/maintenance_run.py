"""One row per periodic maintenance run; (task, slot) unique so a slot runs once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, IdMixin, utcnow

RUN_STATES = ("running", "succeeded", "failed")


class MaintenanceRun(IdMixin, Base):
    __tablename__ = "maintenance_runs"
    __table_args__ = (
        # NULL slots (runs started by hand) never conflict: PostgreSQL treats NULLs as distinct.
        UniqueConstraint("task", "slot", name="uq_maintenance_runs_task_slot"),
        CheckConstraint("state IN ('running', 'succeeded', 'failed')", name="state"),
        Index("ix_maintenance_runs_started_at", "started_at"),
    )

    task: Mapped[str] = mapped_column(String(64))
    slot: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # period start
    state: Mapped[str] = mapped_column(String(16), default="running")
    attempts: Mapped[int] = mapped_column(default=1)
    duplicates: Mapped[int] = mapped_column(default=0)  # messages for this slot that skipped
    worker: Mapped[str | None] = mapped_column(String(255))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
