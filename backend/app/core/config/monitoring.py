"""Queue health levels, the worker census and GET /metrics."""

from __future__ import annotations

from pydantic import model_validator

from app.core.config.group import Group


class MonitoringSettings(Group):
    """Thresholds of GET /tasks/stats/queues and the caches behind the stats and metrics."""

    # Queue health on GET /tasks/stats/queues (docs/operations.md): the worse level wins.
    QUEUE_PENDING_WARNING_JOBS: int = 100  # broker messages on one queue, all priorities
    QUEUE_PENDING_CRITICAL_JOBS: int = 1000
    QUEUE_OLDEST_WAITING_WARNING_S: float = 300.0
    QUEUE_OLDEST_WAITING_CRITICAL_S: float = 1800.0
    QUEUE_FAILURE_WARNING_RATIO: float = 0.05  # failed / (succeeded + failed) in the window
    QUEUE_FAILURE_CRITICAL_RATIO: float = 0.25
    QUEUE_FAILURE_MIN_FINISHED_JOBS: int = 5  # fewer finished jobs say nothing about a rate
    STATS_WORKERS_CACHE_S: float = 10.0  # consuming workers, asked over Celery remote control
    STATS_INSPECT_TIMEOUT_S: float = 1.0  # how long one census waits for worker replies
    # GET /metrics: open unless a token is set (then `Authorization: Bearer <token>`);
    # required in production (Settings refuses to start without it).
    METRICS_TOKEN: str | None = None
    METRICS_CACHE_S: float = 5.0  # PostgreSQL-derived families are reused this long
    METRICS_WINDOW_S: int = 3600  # recent finished jobs and run-time histograms

    @model_validator(mode="after")
    def _ordered_queue_thresholds(self) -> MonitoringSettings:
        pairs = [("QUEUE_PENDING_WARNING_JOBS", "QUEUE_PENDING_CRITICAL_JOBS"),
                 ("QUEUE_OLDEST_WAITING_WARNING_S", "QUEUE_OLDEST_WAITING_CRITICAL_S"),
                 ("QUEUE_FAILURE_WARNING_RATIO", "QUEUE_FAILURE_CRITICAL_RATIO")]
        for warning, critical in pairs:
            if getattr(self, warning) > getattr(self, critical):
                raise ValueError(f"{warning} must not exceed {critical}")
        return self
