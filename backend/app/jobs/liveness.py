"""Per-process liveness leases: a claim tells a dead owner from a slow one in seconds.

Every worker process that claims jobs holds `alive:{owner}` in Redis, written again every
WORKER_LEASE_REFRESH_S with a TTL of WORKER_LEASE_TTL_S by a daemon thread. `owner`, what a
claim writes to `jobs.worker`, is the worker's name, the pid and a random token, so a
recycled pid never passes for the process that had it before. When the process dies
(SIGKILL, the OOM killer, a pod eviction) its key lapses within the TTL, and the job's next
delivery takes the job over then, not JOB_STALE_AFTER_S later when the heartbeat goes stale.
A live process keeps its key however slow its job is: the thread does not wait on the job.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading

from app.core.config import settings
from app.jobs.runtime import worker_redis

log = logging.getLogger(__name__)

MARK = "#"  # owners with a lease look like "video@host#1234.9f2c61a0"
_lock = threading.Lock()
_lease: tuple[int, str] | None = None  # (pid, owner) of the lease this process holds


def _key(owner: str) -> str:
    return f"alive:{owner}"


def _write(owner: str) -> None:
    worker_redis().set(_key(owner), 1, px=int(settings.broker.WORKER_LEASE_TTL_S * 1000))


def _keep(owner: str, pid: int) -> None:
    interval = settings.broker.WORKER_LEASE_REFRESH_S
    stop = threading.Event()
    while not stop.wait(interval):
        if os.getpid() != pid:  # a forked child inherits no threads, but be sure
            return
        try:
            _write(owner)
        except Exception:  # Redis away: the key may lapse; the DB heartbeat still guards
            log.warning("job.lease_refresh_failed", exc_info=True)


def hold(worker: str) -> str:
    """This process's owner name, its lease written and kept alive from now on (with
    WORKER_LEASES off: the worker's name, and no lease)."""
    global _lease
    if not settings.broker.WORKER_LEASES:
        return worker
    pid = os.getpid()
    with _lock:
        if _lease is None or _lease[0] != pid:
            owner = f"{worker}{MARK}{pid}.{secrets.token_hex(4)}"
            _write(owner)  # before any claim names this owner
            threading.Thread(target=_keep, args=(owner, pid), name="job-lease",
                             daemon=True).start()
            _lease = (pid, owner)
        return _lease[1]


def left_s(owner: str | None) -> float | None:
    """Seconds the owner's lease has left: 0.0 once it lapsed (the process is dead); None
    where no lease tells (an owner from before leases, or Redis not answering)."""
    if not owner or MARK not in owner:
        return None
    try:
        left_ms = int(worker_redis().pttl(_key(owner)))
    except Exception:
        log.warning("job.lease_check_failed", exc_info=True)
        return None
    if left_ms == -2:  # no such key
        return 0.0
    return max(left_ms, 0) / 1000 if left_ms >= 0 else None
