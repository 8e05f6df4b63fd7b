"""Domain logic of the periodic maintenance tasks; app/tasks/periodic.py wraps them."""

from __future__ import annotations

from app.services.maintenance.cleanup import cleanup_temp_files
from app.services.maintenance.failures import check_failed_tasks
from app.services.maintenance.report import generate_daily_report
from app.services.maintenance.runs import claim_run, finish_run
from app.services.maintenance.usage import update_usage_statistics

__all__ = ["check_failed_tasks", "claim_run", "cleanup_temp_files", "finish_run",
           "generate_daily_report", "update_usage_statistics"]
