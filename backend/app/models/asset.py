"""Uploaded media a user owns: images, audio tracks and short video clips."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin

ASSET_KINDS = ("image", "audio", "video")


class Asset(IdMixin, CreatedMixin, Base):
    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint("kind IN ('image', 'audio', 'video')", name="kind"),
        Index("ix_assets_user_created", "user_id", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(512), unique=True)
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_s: Mapped[float | None]
