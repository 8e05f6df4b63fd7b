"""Celery's settings for every Reelforge process: broker, delivery guarantees, routes,
priority steps, time limits, the task modules and beat's schedule.

`app.tasks.app` loads this module by name (`config_from_object("celeryconfig")`), so it is
the one place these settings live. Celery imports it from the working directory or
sys.path: the repository root here, `/app` (the WORKDIR) in the images. Every launcher
starts the API, the workers, beat and Flower there.
"""

from kombu.entity import Queue as _KombuQueue

from app.core.config import settings as _settings
from app.jobs.names import TASK_QUEUES as _TASK_QUEUES
from app.jobs.names import Queue as _Queue
from app.jobs.priority import REDIS_PRIORITY_STEPS as _PRIORITY_STEPS
from app.jobs.priority import to_broker as _to_broker
from app.tasks.periodic_schedule import maintenance_beat_schedule as _maintenance_beats
from app.tasks.periodic_schedule import posts_beat_schedule as _posts_beats
from app.tasks.periodic_schedule import schedules_beat_schedule as _schedules_beats

# Celery reads this module's names as settings; the imports take a leading underscore to
# stay out of them.

broker_url = _settings.broker.REDIS_URL
broker_connection_retry_on_startup = True
broker_pool_limit = 20
broker_transport_options = {
    # above the hard time limit (checked when settings load): a running job is not redelivered
    "visibility_timeout": _settings.broker.VISIBILITY_TIMEOUT_S,
    "priority_steps": _PRIORITY_STEPS,
    "queue_order_strategy": "priority",
}

# The task modules a worker imports at start.
include = [
    "app.tasks.startup", "app.tasks.video", "app.tasks.maintenance", "app.tasks.canary",
    "app.tasks.periodic", "app.tasks.pool_control", "app.tasks.webhooks",
    "app.tasks.content", "app.tasks.speech", "app.tasks.social", "app.tasks.workflow",
    "app.tasks.schedules", "app.tasks.publish", "app.tasks.tagging",
]

# Job state lives in PostgreSQL; the result backend only counts finished chord members
# (a workflow's parallel steps) and is never read for status.
result_backend = f"app.tasks.app:CanvasResultBackend+{_settings.broker.REDIS_URL}"
result_expires = _settings.workflows.CANVAS_RESULT_EXPIRES_S
task_ignore_result = True

task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]

# At-least-once: ack after the task ran, requeue when a worker process dies.
task_acks_late = True
task_reject_on_worker_lost = True
worker_prefetch_multiplier = 1
task_time_limit = _settings.broker.TASK_HARD_TIME_LIMIT_S
task_soft_time_limit = _settings.broker.TASK_HARD_TIME_LIMIT_S - 30  # 30 s to clean up

task_queues = [_KombuQueue(q.value, routing_key=q.value) for q in _Queue]
task_default_queue = _Queue.DEFAULT.value
task_routes = {name.value: {"queue": queue.value} for name, queue in _TASK_QUEUES.items()}
task_default_priority = _to_broker(5)  # a message sent without one waits like the API's default

worker_send_task_events = True
task_send_sent_event = False
worker_hijack_root_logger = False

beat_schedule = {
    "sweep-unpublished": {
        "task": "maintenance.sweep_unpublished",
        "schedule": _settings.broker.SWEEPER_INTERVAL_S,
    },
    "reap-stale": {
        "task": "maintenance.reap_stale",
        "schedule": _settings.broker.SWEEPER_INTERVAL_S * 2,
    },
    **_maintenance_beats(),
    **_schedules_beats(),
    **_posts_beats(),
}
