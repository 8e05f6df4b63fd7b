"""The Celery application: broker, delivery guarantees, routes and priority steps."""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.backends.redis import RedisBackend
from kombu.entity import Queue as KombuQueue

from app.core.config import settings
from app.jobs.names import TASK_QUEUES, Queue
from app.jobs.priority import REDIS_PRIORITY_STEPS
from app.tasks.periodic_schedule import maintenance_beat_schedule, schedules_beat_schedule


class CanvasResultBackend(RedisBackend):  # type: ignore[misc]
    """Redis results for chord counting only: nothing waits on a result, so a publisher
    never subscribes to one (the stock backend subscribes on every send)."""

    def on_task_call(self, producer: Any, task_id: str) -> None:
        return None


celery_app = Celery("reelforge", broker=settings.REDIS_URL, include=[
    "app.tasks.startup", "app.tasks.video", "app.tasks.maintenance", "app.tasks.canary",
    "app.tasks.periodic", "app.tasks.pool_control", "app.tasks.webhooks",
    "app.tasks.content", "app.tasks.speech", "app.tasks.social", "app.tasks.workflow",
    "app.tasks.schedules", "app.tasks.publish"])

celery_app.conf.update(
    # Job state lives in PostgreSQL; the result backend only counts finished chord members
    # (a workflow's parallel steps) and is never read for status.
    result_backend=f"{__name__}:CanvasResultBackend+{settings.REDIS_URL}",
    result_expires=settings.CANVAS_RESULT_EXPIRES_S,
    task_ignore_result=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    # At-least-once: ack after the task ran, requeue when a worker process dies.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=settings.TASK_HARD_TIME_LIMIT_S,
    task_soft_time_limit=settings.TASK_HARD_TIME_LIMIT_S - 30,
    broker_connection_retry_on_startup=True,
    broker_transport_options={
        "visibility_timeout": settings.VISIBILITY_TIMEOUT_S,
        "priority_steps": REDIS_PRIORITY_STEPS,
        "queue_order_strategy": "priority",
    },
    task_queues=[KombuQueue(q.value, routing_key=q.value) for q in Queue],
    task_default_queue=Queue.DEFAULT.value,
    task_routes={name.value: {"queue": queue.value} for name, queue in TASK_QUEUES.items()},
    task_default_priority=4,
    worker_send_task_events=True,
    task_send_sent_event=False,
    worker_hijack_root_logger=False,
    broker_pool_limit=20,
    beat_schedule={
        "sweep-unpublished": {
            "task": "maintenance.sweep_unpublished",
            "schedule": settings.SWEEPER_INTERVAL_S,
        },
        "reap-stale": {
            "task": "maintenance.reap_stale",
            "schedule": settings.SWEEPER_INTERVAL_S * 2,
        },
        **maintenance_beat_schedule(),
        **schedules_beat_schedule(),
    },
)
