"""Workflows (topic to finished reel, one job row per step) and batches of submits."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin


class WorkflowState(enum.StrEnum):
    PENDING = "pending"  # committed; no step has started yet
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # one step failed for good; `error` names it
    CANCELLED = "cancelled"


WORKFLOW_FINAL = frozenset({WorkflowState.SUCCEEDED, WorkflowState.FAILED,
                            WorkflowState.CANCELLED})
_STATES = ", ".join(f"'{s.value}'" for s in WorkflowState)


class Batch(IdMixin, CreatedMixin, Base):
    """Many submits at once; the items are workflows or jobs that point back here."""

    __tablename__ = "batches"
    __table_args__ = (Index("ix_batches_user_created", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    item_count: Mapped[int]
    # [{"kind": "workflow" | "video", "id": ...}] in submit order
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    defaults: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"))


class Workflow(IdMixin, CreatedMixin, Base):
    """A chain of steps; each step is a `jobs` row with `workflow_id` and `step` set."""

    __tablename__ = "workflows"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATES})", name="state"),
        Index("ix_workflows_user_created", "user_id", "created_at"),
        Index("ix_workflows_batch", "batch_id"),
        Index("ix_workflows_project_created", "project_id", "created_at",
              postgresql_where=text("project_id IS NOT NULL")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    batch_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("batches.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(16), default=WorkflowState.PENDING.value)
    stage: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(default=5)
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    # step names in run order, e.g. ["content", "voice", "render", "optimize:tiktok"]
    steps: Mapped[list[str]] = mapped_column(JSONB, default=list)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    retries: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"))
