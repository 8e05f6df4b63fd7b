"""Celery Beat maintenance: thin wrappers that claim their slot, then call the service.

Beat stamps each message with the period it belongs to (`slot`, see periodic_schedule.py);
the claim in services/maintenance/runs.py lets one message per slot run, so a second beat
process started by mistake, or a redelivery, causes no double run. A call without a slot
(by hand) always runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.jobs.names import TaskName
from app.jobs.runtime import worker_redis
from app.services import maintenance
from app.tasks.app import celery_app

log = logging.getLogger(__name__)


def run_once(task: Any, slot: str | None, body: Callable[[datetime | None], dict[str, Any]],
             ) -> dict[str, Any]:
    """Claim (task, slot), run `body(slot start)` and record the outcome."""
    start = datetime.fromisoformat(slot) if slot else None
    run_id = maintenance.claim_run(task=task.name, slot=start, worker=task.request.hostname)
    if run_id is None:
        log.info("maintenance.run.duplicate", extra={"task": task.name, "slot": slot})
        return {"slot": slot, "ran": False}
    try:
        result = body(start)
    except Exception as exc:
        maintenance.finish_run(run_id, state="failed", result={"error": repr(exc)})
        raise
    maintenance.finish_run(run_id, state="succeeded", result=result)
    return {"slot": slot, "ran": True, **result}


@celery_app.task(name=TaskName.MAINTENANCE_CLEANUP_TEMP.value, bind=True)
def cleanup_temp_files_task(self: Any, slot: str | None = None) -> dict[str, Any]:
    """Hourly: old temp folders, orphaned uploads, old run records."""
    return run_once(self, slot, lambda _: maintenance.cleanup_temp_files())


@celery_app.task(name=TaskName.MAINTENANCE_CHECK_FAILURES.value, bind=True)
def check_failed_tasks_task(self: Any, slot: str | None = None) -> dict[str, Any]:
    """Every 5 minutes: failure rate per queue; alert admins above the threshold."""
    return run_once(self, slot,
                    lambda _: maintenance.check_failed_tasks(client=worker_redis()))


@celery_app.task(name=TaskName.MAINTENANCE_USAGE.value, bind=True)
def update_usage_statistics_task(self: Any, slot: str | None = None) -> dict[str, Any]:
    """Every 10 minutes: upsert usage_daily for the recent days."""
    return run_once(self, slot, lambda start: maintenance.update_usage_statistics(now=start))


@celery_app.task(name=TaskName.MAINTENANCE_DAILY_REPORT.value, bind=True)
def generate_daily_report_task(self: Any, slot: str | None = None,
                               day: str | None = None) -> dict[str, Any]:
    """At midnight UTC: the report of the day that just ended (or of `day`)."""
    def body(start: datetime | None) -> dict[str, Any]:
        if day:
            return maintenance.generate_daily_report(day=date.fromisoformat(day))
        ended = (start or datetime.now(UTC)).date() - timedelta(days=1)
        return maintenance.generate_daily_report(day=ended)

    return run_once(self, slot, body)
