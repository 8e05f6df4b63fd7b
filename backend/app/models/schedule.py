"""User schedules (a cron in a time zone plus a job template) and the record of each run."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin, utcnow

SCHEDULE_KINDS = ("video",)  # a workflow template is the next kind
RUN_STATUSES = ("enqueued", "skipped", "failed")


class Schedule(IdMixin, CreatedMixin, Base):
    __tablename__ = "schedules"
    __table_args__ = (
        CheckConstraint("kind IN ('video')", name="kind"),
        Index("ix_schedules_user_created", "user_id", "created_at"),
        # The tick's scan: enabled schedules in the order they fall due.
        Index("ix_schedules_due", "next_fire_at", postgresql_where=text("enabled")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    cron: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    template: Mapped[dict[str, Any]] = mapped_column(JSONB)
    enabled: Mapped[bool] = mapped_column(default=True)
    next_fire_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # None: paused
    last_fire_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"))


class ScheduleRun(IdMixin, CreatedMixin, Base):
    __tablename__ = "schedule_runs"
    __table_args__ = (
        # The exactly-once guarantee: a fire time is recorded (and its job created) once.
        UniqueConstraint("schedule_id", "fire_at", name="uq_schedule_runs_schedule_fire_at"),
        CheckConstraint("status IN ('enqueued', 'skipped', 'failed')", name="status"),
    )

    schedule_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"))
    fire_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(String(32))  # stable code: "no_new_photos", ...
    detail: Mapped[str | None] = mapped_column(String(500))  # the same for people
