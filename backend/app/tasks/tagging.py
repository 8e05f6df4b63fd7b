"""Auto-tagging on the `content` queue: a thin wrapper around the tagging body."""

from __future__ import annotations

import uuid

from app.jobs.names import TaskName
from app.jobs.policy import TRANSIENT_ERRORS
from app.services.workers.tagging import tag_asset
from app.tasks.app import celery_app

MAX_RETRIES = 5
RETRY_BACKOFF_CAP_S = 300  # below the visibility timeout, like every retry policy


@celery_app.task(name=TaskName.LIBRARY_TAG.value, autoretry_for=TRANSIENT_ERRORS,
                 retry_backoff=True, retry_backoff_max=RETRY_BACKOFF_CAP_S, retry_jitter=True,
                 max_retries=MAX_RETRIES)
def tag_library_asset(asset_id: str) -> str:
    """Measure and tag asset `asset_id` (a store or database outage is retried)."""
    return tag_asset(uuid.UUID(asset_id))
