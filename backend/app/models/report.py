"""One stored operations report per UTC day; the files live in storage under reports/."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, utcnow


class DailyReport(Base):
    __tablename__ = "daily_reports"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    json_key: Mapped[str] = mapped_column(String(512))
    html_key: Mapped[str] = mapped_column(String(512))
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    generated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), default=utcnow)
