"""Queue topology as constants: queue names, task names and their routes, in one place."""

from __future__ import annotations

import enum


class Queue(enum.StrEnum):
    CONTENT = "content"
    VIDEO = "video"
    GPU = "gpu"
    SOCIAL = "social"
    DEFAULT = "default"


class TaskName(enum.StrEnum):
    VIDEO_RENDER = "video.render"
    VIDEO_RENDER_GPU = "video.render_gpu"  # 4K renders; NVENC where a probe encode works
    MAINTENANCE_SWEEP = "maintenance.sweep_unpublished"
    MAINTENANCE_REAP = "maintenance.reap_stale"
    MAINTENANCE_CLEANUP_TEMP = "maintenance.cleanup_temp_files"
    MAINTENANCE_CHECK_FAILURES = "maintenance.check_failed_tasks"
    MAINTENANCE_USAGE = "maintenance.update_usage_statistics"
    MAINTENANCE_DAILY_REPORT = "maintenance.generate_daily_report"
    SYSTEM_PING = "system.ping"
    SYSTEM_CANARY = "system.canary"
    WEBHOOK_DELIVER = "webhook.deliver"
    SCHEDULES_TICK = "schedules.tick"
    CONTENT_GENERATE = "content.generate"
    CONTENT_HASHTAGS = "content.hashtags"
    CONTENT_ANALYZE = "content.analyze"
    CONTENT_VARIATIONS = "content.variations"
    SPEECH_SYNTHESIZE = "speech.synthesize"
    VIDEO_REEL = "video.reel"  # a workflow's render step: script cards + voice-over
    SOCIAL_OPTIMIZE = "social.optimize"
    SOCIAL_PUBLISH = "social.publish"


# Every task's queue. The API publishes with these, so a route exists for each name.
TASK_QUEUES: dict[TaskName, Queue] = {
    TaskName.VIDEO_RENDER: Queue.VIDEO,
    TaskName.VIDEO_RENDER_GPU: Queue.GPU,
    TaskName.MAINTENANCE_SWEEP: Queue.DEFAULT,
    TaskName.MAINTENANCE_REAP: Queue.DEFAULT,
    TaskName.MAINTENANCE_CLEANUP_TEMP: Queue.DEFAULT,
    TaskName.MAINTENANCE_CHECK_FAILURES: Queue.DEFAULT,
    TaskName.MAINTENANCE_USAGE: Queue.DEFAULT,
    TaskName.MAINTENANCE_DAILY_REPORT: Queue.DEFAULT,
    TaskName.SYSTEM_PING: Queue.DEFAULT,
    TaskName.SYSTEM_CANARY: Queue.DEFAULT,
    TaskName.WEBHOOK_DELIVER: Queue.SOCIAL,
    TaskName.SCHEDULES_TICK: Queue.DEFAULT,
    TaskName.CONTENT_GENERATE: Queue.CONTENT,
    TaskName.CONTENT_HASHTAGS: Queue.CONTENT,
    TaskName.CONTENT_ANALYZE: Queue.CONTENT,
    TaskName.CONTENT_VARIATIONS: Queue.CONTENT,
    TaskName.SPEECH_SYNTHESIZE: Queue.CONTENT,
    TaskName.VIDEO_REEL: Queue.VIDEO,
    TaskName.SOCIAL_OPTIMIZE: Queue.SOCIAL,
    TaskName.SOCIAL_PUBLISH: Queue.SOCIAL,
}

# Worker groups that `make run` and supervisord start: one process per group.
WORKER_GROUPS: dict[str, tuple[Queue, ...]] = {
    "content": (Queue.CONTENT, Queue.SOCIAL),
    "video": (Queue.VIDEO,),
    "gpu": (Queue.GPU,),
    "default": (Queue.DEFAULT,),
}


def queue_for(task: TaskName) -> Queue:
    return TASK_QUEUES[task]
