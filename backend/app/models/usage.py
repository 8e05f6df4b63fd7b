"""Usage per user and UTC day: jobs, render time and storage, upserted by maintenance."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, DateTime, ForeignKey, Index, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class UsageDaily(Base):
    __tablename__ = "usage_daily"
    __table_args__ = (Index("ix_usage_daily_day", "day"),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    jobs: Mapped[int] = mapped_column(default=0)  # submitted that day
    jobs_failed: Mapped[int] = mapped_column(default=0)  # of those, failed or dead
    render_seconds: Mapped[float] = mapped_column(default=0.0)  # video renders finished that day
    storage_bytes: Mapped[int] = mapped_column(BigInteger, default=0)  # held at the day's end
    uploaded_bytes: Mapped[int] = mapped_column(BigInteger, default=0)  # uploaded that day
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow)
