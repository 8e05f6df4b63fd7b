"""Media: a user's uploads and the shared library (no owner), with tags and licences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin

ASSET_KINDS = ("image", "audio", "video")
TAG_STATES = ("pending", "done", "failed")


class Asset(IdMixin, CreatedMixin, Base):
    __tablename__ = "assets"
    __table_args__ = (
        CheckConstraint("kind IN ('image', 'audio', 'video')", name="kind"),
        CheckConstraint("tag_state IN ('pending', 'done', 'failed')", name="tag_state"),
        Index("ix_assets_user_created", "user_id", "created_at"),
        Index("ix_assets_shared", "kind", "created_at", postgresql_where=text("user_id IS NULL")),
        Index("ix_assets_tags", "tags", postgresql_using="gin"),
    )

    # None: an item of the shared library, readable by everyone, written by admins.
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    storage_key: Mapped[str] = mapped_column(String(512), unique=True)
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None]
    height: Mapped[int | None]
    duration_s: Mapped[float | None]
    title: Mapped[str | None] = mapped_column(String(200))
    # Tags: the uploader's words plus the auto-tagger's ("portrait", "calm", "bpm:120"...).
    tags: Mapped[list[str]] = mapped_column(JSONB, default=list, server_default="[]")
    # What the auto-tagger measured: loudness, bpm, mood, colours, motion, scene cuts...
    features: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    tag_state: Mapped[str] = mapped_column(String(16), default="pending",
                                           server_default="pending")
    # Licence: {"licence", "source", "attribution", "platforms": [...], "commercial": bool}
    licence: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    thumbnail_key: Mapped[str | None] = mapped_column(String(512))
    waveform_key: Mapped[str | None] = mapped_column(String(512))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_reason: Mapped[str | None] = mapped_column(String(500))


class AssetUsage(IdMixin, CreatedMixin, Base):
    """One asset used by one render: where a library item went (compliance)."""

    __tablename__ = "asset_usages"
    __table_args__ = (
        UniqueConstraint("asset_id", "job_id", "role", name="uq_asset_usages_asset_job_role"),
        Index("ix_asset_usages_asset_created", "asset_id", "created_at"),
        Index("ix_asset_usages_job", "job_id"),
    )

    asset_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assets.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    workflow_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("workflows.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(String(32))  # "music", "scene", "watermark", ...
    output_key: Mapped[str | None] = mapped_column(String(512))
