"""Checks a worker makes before it consumes: a safe broker and retry policies that fit;
and the worker's own old temp folders (left by a killed render) are removed."""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from celery.signals import worker_init, worker_ready

from app.core.config import settings
from app.jobs.policy import check_policies_fit_visibility_timeout
from app.media.ffmpeg import run_niced
from app.services.maintenance.cleanup import clean_temp_dirs

log = logging.getLogger(__name__)
SAFE_EVICTION = "noeviction"


def check_broker_eviction_policy(url: str) -> None:
    """Refuse a Redis that may evict keys: it would silently drop queued jobs."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        policy = client.config_get("maxmemory-policy").get("maxmemory-policy", SAFE_EVICTION)
    except redis.ResponseError:
        log.warning("worker.broker_policy_unknown")  # CONFIG disabled (managed Redis)
        return
    finally:
        client.close()
    if policy != SAFE_EVICTION:
        raise RuntimeError(f"the broker's maxmemory-policy is {policy!r}; Reelforge needs "
                           f"'{SAFE_EVICTION}' so that queued jobs are never evicted")


@worker_init.connect
def _on_worker_init(**_: Any) -> None:
    run_niced(settings.render.RENDER_NICE)  # inherited by the pool's processes
    try:
        check_policies_fit_visibility_timeout()
        check_broker_eviction_policy(settings.broker.REDIS_URL)
    except RuntimeError as exc:
        log.critical("worker.refused_to_start", extra={"reason": str(exc)})
        # Celery logs and swallows exceptions from signal handlers; SystemExit is not one
        raise SystemExit(f"refusing to start: {exc}") from exc


@worker_ready.connect
def _on_worker_ready(**_: Any) -> None:
    # Each worker has a disk of its own: the hourly cleanup on the default queue reaches
    # only its worker's folder, so every worker sweeps its own once at start.
    try:
        cutoff = time.time() - settings.maintenance.TEMP_FILE_MAX_AGE_S
        removed, freed = clean_temp_dirs(settings.app.temp_dir, cutoff=cutoff)
    except Exception:  # never keep a worker from consuming over a sweep
        log.warning("worker.temp_sweep_failed", exc_info=True)
        return
    if removed:
        log.info("worker.temp_swept", extra={"removed": removed, "bytes": freed})
