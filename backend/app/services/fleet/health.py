"""A queue's health: the thresholds (docs/operations.md) its depth, wait and failure rate
are judged by, for a queue as for a task type."""

from __future__ import annotations

from app.core.config import settings
from app.schemas.stats import Health


def judged_failure_ratio(*, completed: int, failed: int) -> float | None:
    """failed / finished, or None while too few jobs finished to say anything."""
    finished = completed + failed
    enough = max(1, settings.monitoring.QUEUE_FAILURE_MIN_FINISHED_JOBS)
    return failed / finished if finished >= enough else None


def failure_level(*, completed: int, failed: int) -> Health:
    """The failure-rate thresholds of `assess` alone: for a task type as for a queue."""
    health, _ = assess(pending=0, waiting=0, oldest_waiting_s=None, completed=completed,
                       failed=failed, workers=1)
    return health


def assess(*, pending: int, waiting: int, oldest_waiting_s: float | None, completed: int,
           failed: int, workers: int | None) -> tuple[Health, list[str]]:
    """The queue's health and the codes of the thresholds it crosses (docs/operations.md)."""
    critical: list[str] = []
    warning: list[str] = []
    if workers == 0 and (pending or waiting):
        critical.append("no_worker")
    if workers is None:
        warning.append("workers_unknown")
    ratio = judged_failure_ratio(completed=completed, failed=failed)
    checks: list[tuple[str, float | None, float, float]] = [
        ("pending", pending, settings.monitoring.QUEUE_PENDING_WARNING_JOBS,
         settings.monitoring.QUEUE_PENDING_CRITICAL_JOBS),
        ("oldest_waiting", oldest_waiting_s, settings.monitoring.QUEUE_OLDEST_WAITING_WARNING_S,
         settings.monitoring.QUEUE_OLDEST_WAITING_CRITICAL_S),
        ("failure_ratio", ratio, settings.monitoring.QUEUE_FAILURE_WARNING_RATIO,
         settings.monitoring.QUEUE_FAILURE_CRITICAL_RATIO),
    ]
    for name, value, warn_at, critical_at in checks:
        if value is None or value <= 0:
            continue
        if value >= critical_at:
            critical.append(f"{name}_critical")
        elif value >= warn_at:
            warning.append(f"{name}_warning")
    health: Health = "critical" if critical else "warning" if warning else "healthy"
    return health, critical + warning


SEVERITY: dict[Health, int] = {"healthy": 0, "warning": 1, "critical": 2}
