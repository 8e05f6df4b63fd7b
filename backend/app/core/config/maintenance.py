"""Maintenance run by Celery Beat: periods, cleanup ages, failure alerts, usage."""

from __future__ import annotations

from pydantic import model_validator

from app.core.config.group import Group


class MaintenanceSettings(Group):
    """The periodic housekeeping and the failure-rate alert."""

    # Tests shorten every period with the override.
    MAINTENANCE_INTERVAL_OVERRIDE_S: float | None = None
    MAINTENANCE_RUN_LEASE_S: int = 1800  # a claimed run silent this long crashed: rerun it
    MAINTENANCE_RUN_RETENTION_DAYS: int = 30
    TEMP_FILE_MAX_AGE_S: int = 4 * 3600  # above TASK_HARD_TIME_LIMIT_S: no live render's folder
    ORPHAN_UPLOAD_MAX_AGE_S: int = 24 * 3600
    FAILURE_RATE_WINDOW_S: int = 900
    FAILURE_RATE_THRESHOLD: float = 0.25  # failed / finished jobs of one queue in the window
    FAILURE_RATE_MIN_JOBS: int = 5  # fewer finished jobs say nothing about a rate
    ALERT_COOLDOWN_S: int = 1800  # one alert per queue per cooldown while the rate stays high
    ALERT_WEBHOOK_URL: str | None = None
    ALERT_WEBHOOK_SECRET: str | None = None
    ALERT_WEBHOOK_TIMEOUT_S: float = 5.0
    USAGE_LOOKBACK_DAYS: int = 2  # yesterday too: renders that finish after midnight

    @model_validator(mode="after")
    def _signed_alerts(self) -> MaintenanceSettings:
        if self.ALERT_WEBHOOK_URL and len(self.ALERT_WEBHOOK_SECRET or "") < 16:
            raise ValueError("ALERT_WEBHOOK_SECRET (16+ characters) must sign ALERT_WEBHOOK_URL")
        return self
