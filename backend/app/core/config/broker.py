"""Redis as the Celery broker (it also carries the realtime streams) and delivery timing."""

from __future__ import annotations

from pydantic import model_validator

from app.core.config.group import Group


class BrokerSettings(Group):
    """The broker, how long a message may stay unacknowledged, and the sweeper."""

    REDIS_URL: str = "redis://127.0.0.1:6379/0"

    # Delivery: the visibility timeout must exceed the longest task run and countdown.
    TASK_HARD_TIME_LIMIT_S: int = 3600
    VISIBILITY_TIMEOUT_S: int = 7200
    SWEEPER_GRACE_S: int = 30
    SWEEPER_INTERVAL_S: float = 15.0
    # A running job whose heartbeat (every 3 s) is older than this is presumed lost.
    JOB_STALE_AFTER_S: float = 60.0
    # Each worker process holds a lease in Redis (app/jobs/liveness.py): once it lapses the
    # process is dead and its job is taken over at the next delivery, without waiting for
    # the heartbeat above to go stale. The refresh must fit in the TTL with room to spare.
    WORKER_LEASES: bool = True  # off: only the stale heartbeat frees a dead worker's job
    WORKER_LEASE_TTL_S: float = 4.0
    WORKER_LEASE_REFRESH_S: float = 1.0
    # A job still `queued` this long gets its message sent again: the one it had may be
    # held by a worker that was killed (Redis would return it only after the visibility
    # timeout). Duplicates are harmless: the claim lets one through.
    QUEUED_REPUBLISH_S: float = 900.0

    # Flower, the broker's monitor.
    FLOWER_USER: str = "admin"
    FLOWER_PASSWORD: str = "change-me-flower"

    @model_validator(mode="after")
    def _visibility_outlasts_a_run(self) -> BrokerSettings:
        if self.VISIBILITY_TIMEOUT_S <= self.TASK_HARD_TIME_LIMIT_S:
            raise ValueError("VISIBILITY_TIMEOUT_S must exceed TASK_HARD_TIME_LIMIT_S")
        if self.WORKER_LEASE_REFRESH_S * 2 > self.WORKER_LEASE_TTL_S:
            raise ValueError("WORKER_LEASE_REFRESH_S must be at most half of "
                             "WORKER_LEASE_TTL_S")
        return self
