"""Scaling workers per queue through one protocol; SCALER_BACKEND picks the backend."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from app.core.config import settings
from app.core.errors import AppError
from app.jobs.names import Queue
from app.services.scaling.base import QueueScale, Scaler, WorkerPool, group_of

# The local backend resizes Celery pools, so the task adapters provide it (the same way
# they provide the broker port); services never import Celery.
_local: list[Callable[[], Scaler]] = []


def install_local_scaler(factory: Callable[[], Scaler]) -> None:
    _local[:] = [factory]
    get_scaler.cache_clear()


@lru_cache(maxsize=1)
def get_scaler() -> Scaler:
    """The configured backend; the Kubernetes client is imported only when it is chosen."""
    if settings.scaling.SCALER_BACKEND == "kubernetes":
        from app.services.scaling.kubernetes import KubernetesScaler

        return KubernetesScaler()
    if not _local:
        raise RuntimeError("no local scaler installed: call "
                           "app.tasks.publish.install_celery_broker()")
    return _local[0]()


def scale_queue(*, queue: Queue, desired: int, scaler: Scaler | None = None) -> QueueScale:
    """Bounds-check and apply a desired worker count for one queue (blocking)."""
    most = settings.scaling.SCALE_MAX_WORKERS
    if not 0 <= desired <= most:
        raise AppError("out_of_range", f"desired_workers: must be 0..{most}",
                       422, field="desired_workers")
    return (scaler or get_scaler()).scale(queue, desired)


__all__ = ["QueueScale", "Scaler", "WorkerPool", "get_scaler", "group_of",
           "install_local_scaler", "scale_queue"]
