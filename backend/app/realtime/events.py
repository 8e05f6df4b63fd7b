"""Event names and the small JSON objects pushed to clients."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

JOB_QUEUED = "job.queued"
JOB_HELD = "job.held"
JOB_STARTED = "job.started"
JOB_PROGRESS = "job.progress"
JOB_SUCCEEDED = "job.succeeded"
JOB_FAILED = "job.failed"
JOB_CANCELLED = "job.cancelled"
JOB_RETRYING = "job.retrying"
JOB_DEAD = "job.dead"
FINAL_EVENTS = frozenset({JOB_SUCCEEDED, JOB_FAILED, JOB_CANCELLED, JOB_DEAD})


def job_event(type_: str, job_id: uuid.UUID | str, **fields: Any) -> dict[str, Any]:
    """An event about one job; `at` is the wall time at the source, in seconds."""
    return {"type": type_, "job_id": str(job_id), "at": round(time.time(), 3), **fields}


def encode(event: dict[str, Any]) -> str:
    return json.dumps(event, separators=(",", ":"), default=str)


def with_id(event_id: str, data: str) -> str:
    """Prefix a serialised event with its stream id without parsing it again."""
    return '{"id":"' + event_id + '",' + data[1:] if data != "{}" else '{"id":"' + event_id + '"}'


def id_key(event_id: str) -> tuple[int, int]:
    """Redis stream ids ("ms-seq") as a sortable tuple."""
    ms, _, seq = event_id.partition("-")
    return int(ms), int(seq or 0)
