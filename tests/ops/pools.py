"""Reading a worker's pool as remote control reports it, with bounded waits."""

from __future__ import annotations

import time
from typing import Any

POOL_DEADLINE_S = 20.0  # a grown prefork pool starts processes on a 5 s maintenance tick


def worker_stats(hostname: str) -> dict[str, Any]:
    from app.tasks.app import celery_app

    replies = celery_app.control.inspect(destination=[hostname], timeout=2.0).stats() or {}
    stats: dict[str, Any] = replies.get(hostname, {})
    return stats


def pool_size(hostname: str) -> int:
    return len(worker_stats(hostname).get("pool", {}).get("processes", []))


def consumed_queues(hostname: str) -> set[str]:
    from app.tasks.app import celery_app

    replies = celery_app.control.inspect(destination=[hostname], timeout=2.0).active_queues()
    return {q["name"] for q in (replies or {}).get(hostname, [])}


def wait_pool(hostname: str, size: int, deadline_s: float = POOL_DEADLINE_S) -> float:
    """Seconds until the worker's pool has `size` processes."""
    start = time.monotonic()
    seen = -1
    while time.monotonic() - start < deadline_s:
        seen = pool_size(hostname)
        if seen == size:
            return time.monotonic() - start
        time.sleep(0.05)  # polling interval of a bounded wait on the worker's own report
    raise AssertionError(f"{hostname} has {seen} pool processes, not {size}, "
                         f"after {deadline_s}s")
