"""Outgoing webhooks: users' endpoints, their callback signing secret, and deliveries."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, CreatedMixin, IdMixin, utcnow


class WebhookEndpoint(IdMixin, CreatedMixin, Base):
    """A URL that receives the user's events of the types it subscribed to."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (UniqueConstraint("user_id", "url", name="uq_webhook_endpoints_user_url"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    description: Mapped[str | None] = mapped_column(String(200))
    secret: Mapped[str] = mapped_column(String(128))


class WebhookSecret(CreatedMixin, Base):
    """The secret that signs a user's per-job callbacks (`callback_url` on submit)."""

    __tablename__ = "webhook_secrets"

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"  # recorded, waiting for its first attempt
    DELIVERING = "delivering"  # an attempt is running; next_attempt_at is its lease
    RETRYING = "retrying"  # failed in a way that may pass; next_attempt_at is when
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # refused for good, or out of attempts


class DeliverySource(enum.StrEnum):
    CALLBACK = "callback"  # the job's own callback_url
    ENDPOINT = "endpoint"  # one of the user's webhook endpoints


_STATUSES = ", ".join(f"'{s.value}'" for s in DeliveryStatus)


class WebhookDelivery(IdMixin, CreatedMixin, Base):
    """One event sent to one URL, with every attempt in `attempt_log`."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status"),
        CheckConstraint("source IN ('callback', 'endpoint')", name="source"),
        # the same event is recorded once per target, however often the outcome is reported
        UniqueConstraint("event_id", "source", "url", name="uq_webhook_deliveries_event_target"),
        Index("ix_webhook_deliveries_job_created", "job_id", "created_at"),
        # the sweeper's search for lost deliveries (migration 0009)
        Index("ix_webhook_deliveries_open", "updated_at",
              postgresql_where=text("status IN ('pending', 'retrying', 'delivering')")),
    )

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    endpoint_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16))
    event_id: Mapped[uuid.UUID]
    event_type: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048))
    payload: Mapped[str] = mapped_column(Text)  # the exact body: every attempt sends it as is
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempt_log: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
