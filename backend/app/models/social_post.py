"""Posts of finished reels to connected accounts: one row per (reel, account), created
before any call to the platform; the platform's ids are written as soon as it returns them."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin, utcnow


class PostState(enum.StrEnum):
    SCHEDULED = "scheduled"  # waiting for publish_at (or for its job to start)
    UPLOADING = "uploading"
    PROCESSING = "processing"  # the platform holds the file and is processing it
    PUBLISHED = "published"
    FAILED = "failed"
    CANCELLED = "cancelled"


POST_STATES = tuple(s.value for s in PostState)
FINAL_POST_STATES = (PostState.PUBLISHED.value, PostState.FAILED.value,
                     PostState.CANCELLED.value)
_STATE_LIST = ", ".join(f"'{s}'" for s in POST_STATES)


class SocialPost(IdMixin, CreatedMixin, Base):
    __tablename__ = "social_posts"
    __table_args__ = (
        CheckConstraint(f"state IN ({_STATE_LIST})", name="state"),
        CheckConstraint("source_kind IN ('job', 'workflow')", name="source_kind"),
        UniqueConstraint("source_id", "account_id", name="uq_social_posts_source_account"),
        Index("ix_social_posts_user_created", "user_id", "created_at", "id"),
        # the tick's read: scheduled posts not yet handed to a job, by time
        Index("ix_social_posts_due", "publish_at",
              postgresql_where=text("state = 'scheduled' AND job_id IS NULL")),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # null once the account is disconnected: the post's history stays with its user
    account_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("social_accounts.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(32))
    source_kind: Mapped[str] = mapped_column(String(16))  # job | workflow
    source_id: Mapped[uuid.UUID]  # the job or workflow whose result is posted
    output_key: Mapped[str] = mapped_column(String(512))
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    caption: Mapped[str] = mapped_column(Text, default="")
    hashtags: Mapped[list[str]] = mapped_column(JSONB, default=list)
    privacy: Mapped[str] = mapped_column(String(32))
    publish_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default=PostState.SCHEDULED.value)
    # the publish job that runs it; set exactly once, by the submit or by the tick
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    # what the platform returned at `start` (and later), written before anything else
    upload_url: Mapped[str | None] = mapped_column(String(2048))
    remote_id: Mapped[str | None] = mapped_column(String(255))
    remote: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)  # Upload.extra
    total_bytes: Mapped[int | None] = mapped_column(BigInteger)
    post_id: Mapped[str | None] = mapped_column(String(255))
    post_url: Mapped[str | None] = mapped_column(String(2048))
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    attempts: Mapped[int] = mapped_column(default=0)
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
