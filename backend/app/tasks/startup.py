"""Checks a worker makes before it consumes: a safe broker and retry policies that fit."""

from __future__ import annotations

import logging
from typing import Any

import redis
from celery.signals import worker_init

from app.core.config import settings
from app.tasks.policy import check_policies_fit_visibility_timeout

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
    try:
        check_policies_fit_visibility_timeout()
        check_broker_eviction_policy(settings.REDIS_URL)
    except RuntimeError as exc:
        log.critical("worker.refused_to_start", extra={"reason": str(exc)})
        # Celery logs and swallows exceptions from signal handlers; SystemExit is not one
        raise SystemExit(f"refusing to start: {exc}") from exc
