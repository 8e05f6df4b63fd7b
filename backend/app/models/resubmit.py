"""Resubmits: each retry of a job or workflow by its owner, counted by the quotas.

A retry re-arms an existing row, whose `created_at` lies outside the hourly window after
the first hour and counts only once inside it; a row here per retry makes every retry
count as one submit of its kind."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin


class Resubmit(IdMixin, CreatedMixin, Base):
    __tablename__ = "resubmits"
    __table_args__ = (Index("ix_resubmits_user_created", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    # the retried job or workflow (one of them); kept for the audit, not for the count
    target_id: Mapped[uuid.UUID]
