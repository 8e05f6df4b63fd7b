"""Projects: a series a creator runs, with the defaults every submit in it starts from."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin, utcnow


class Project(IdMixin, CreatedMixin, Base):
    __tablename__ = "projects"
    __table_args__ = (
        # `number` is the project's short id for its owner: 1, 2, 3 ... (the original
        # plan's `"project_id": 1`); never reused, so an old reference cannot move.
        UniqueConstraint("user_id", "number", name="uq_projects_user_number"),
        UniqueConstraint("user_id", "name", name="uq_projects_user_name"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    number: Mapped[int]
    name: Mapped[str] = mapped_column(String(100))
    topic: Mapped[str | None] = mapped_column(String(200))
    audience: Mapped[str | None] = mapped_column(String(120))
    tone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(8))
    voice: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    platforms: Mapped[list[str]] = mapped_column(JSONB, default=list)
    brand: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
