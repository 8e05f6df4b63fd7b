"""What every scaler backend answers: the scale of a queue, desired and observed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from app.jobs.names import WORKER_GROUPS, Queue


@dataclass(frozen=True)
class WorkerPool:
    """One Celery worker as remote control reports it."""

    hostname: str
    processes: int
    queues: tuple[str, ...]
    autoscale: tuple[int, int] | None = None  # (max, min) when the worker autoscales


@dataclass
class QueueScale:
    """The scale of one queue: what was asked for and what runs now."""

    queue: Queue
    backend: str
    target: str  # the workers or the Deployment that serve the queue
    desired_workers: int | None
    observed_workers: int | None
    settled: bool
    shared_with: list[str] = field(default_factory=list)  # queues that scale along with it
    workers: list[WorkerPool] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)
    message: str | None = None


class Scaler(Protocol):
    """A backend that sets how many workers serve a queue."""

    name: str

    def scale(self, queue: Queue, desired: int) -> QueueScale:
        """Ask for `desired` workers on `queue` and report what runs afterwards."""

    def current(self) -> list[QueueScale]:
        """The scale of every queue."""


def group_of(queue: Queue) -> str:
    """The worker group (one Deployment, one supervisord program) that consumes `queue`."""
    for group, queues in WORKER_GROUPS.items():
        if queue in queues:
            return group
    raise LookupError(f"no worker group consumes {queue}")


def group_peers(queue: Queue) -> list[str]:
    """The other queues of `queue`'s group, which a replica count scales along with it."""
    return [q.value for q in WORKER_GROUPS[group_of(queue)] if q != queue]
