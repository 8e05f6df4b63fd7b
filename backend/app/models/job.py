"""The system of record for every unit of work, from submit to result."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin


class JobState(enum.StrEnum):
    PENDING = "pending"  # committed, not yet confirmed on the broker
    WAITING = "waiting"  # a workflow step whose earlier steps have not finished
    HELD = "held"  # fair share: waits in PostgreSQL while its owner has a message queued
    QUEUED = "queued"
    STARTED = "started"
    PROGRESS = "progress"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    DEAD = "dead"


FINAL_STATES = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED, JobState.DEAD})
CLAIMABLE_STATES = frozenset({JobState.PENDING, JobState.QUEUED, JobState.RETRYING})
RUNNING_STATES = frozenset({JobState.STARTED, JobState.PROGRESS})

_STATE_LIST = ", ".join(f"'{s.value}'" for s in JobState)


class Job(IdMixin, CreatedMixin, Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state"),
        CheckConstraint("priority BETWEEN 0 AND 10", name="priority"),
        Index("ix_jobs_user_created", "user_id", "created_at"),
        Index("ix_jobs_state_created", "state", "created_at"),
        Index(
            "ix_jobs_unpublished",
            "created_at",
            postgresql_where=text("state = 'pending'"),
        ),
        # Stats and /metrics (migration 0002): live counts per queue, finished in a window.
        Index("ix_jobs_queue_state_queued", "queue", "state", "queued_at"),
        Index("ix_jobs_finished", "finished_at",
              postgresql_where=text("finished_at IS NOT NULL")),
        Index("ix_jobs_running_heartbeat", "heartbeat_at",
              postgresql_where=text("state IN ('started', 'progress')")),
        Index("ix_jobs_dead", "finished_at", postgresql_where=text("state = 'dead'")),
        Index("ix_jobs_user_queue_waiting", "user_id", "queue", "priority",
              postgresql_where=text("state IN ('held', 'queued')")),
        # Workflow steps and batch items (migration 0007).
        Index("ix_jobs_workflow", "workflow_id", postgresql_where=text("workflow_id IS NOT NULL")),
        Index("ix_jobs_batch", "batch_id", postgresql_where=text("batch_id IS NOT NULL")),
        # A project's work (migration 0012).
        Index("ix_jobs_project_created", "project_id", "created_at",
              postgresql_where=text("project_id IS NOT NULL")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    task_name: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(default=5)
    state: Mapped[str] = mapped_column(String(16), default=JobState.PENDING.value)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    progress: Mapped[float] = mapped_column(default=0.0)
    stage: Mapped[str | None] = mapped_column(String(64))
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    attempts: Mapped[int] = mapped_column(default=0)
    retries: Mapped[int] = mapped_column(default=0, server_default="0")  # in this round
    attempt_log: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONB, default=list, server_default="[]")
    callback_url: Mapped[str | None] = mapped_column(String(2048))
    retry_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    republished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    worker: Mapped[str | None] = mapped_column(String(255))
    output_key: Mapped[str | None] = mapped_column(String(512))
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    workflow_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflows.id", ondelete="CASCADE"))
    step: Mapped[str | None] = mapped_column(String(32))  # "content", "optimize:tiktok", ...
    batch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("batches.id", ondelete="SET NULL"))
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"))
