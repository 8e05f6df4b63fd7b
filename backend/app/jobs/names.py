"""Queue topology as constants: queue names, task names and their routes, and the worker
groups that consume the queues, in one place. The deploy files (supervisord.conf,
docker-compose.yml, infrastructure/kubernetes) spell the groups out again for the tools that
read them; tests/deploy/test_topology.py fails when one of them disagrees with GROUPS."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Queue(enum.StrEnum):
    CONTENT = "content"
    VIDEO = "video"
    GPU = "gpu"
    SOCIAL = "social"
    DEFAULT = "default"


class TaskName(enum.StrEnum):
    VIDEO_RENDER = "video.render"
    VIDEO_RENDER_GPU = "video.render_gpu"  # 4K renders; NVENC where a probe encode works
    VIDEO_SEGMENT = "video.segment"  # one segment of a long render (docs/scaling.md)
    VIDEO_SEGMENT_GPU = "video.segment_gpu"  # a segment of a render on the gpu queue
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
    SOCIAL_POST = "social.post"  # one post of a reel to a connected account
    SOCIAL_POSTS_TICK = "social.posts_tick"  # hands due scheduled posts to their jobs
    LIBRARY_TAG = "library.tag"  # auto-tagging of a new asset; the message carries its id


# The kind of a job that renders one segment of a longer render for its parent job: not a
# submit of the user's own (no quota, no running limit, not listed), but a real job.
SEGMENT_KIND = "segment"

# Every task's queue. The API publishes with these, so a route exists for each name.
TASK_QUEUES: dict[TaskName, Queue] = {
    TaskName.VIDEO_RENDER: Queue.VIDEO,
    TaskName.VIDEO_RENDER_GPU: Queue.GPU,
    TaskName.VIDEO_SEGMENT: Queue.VIDEO,
    TaskName.VIDEO_SEGMENT_GPU: Queue.GPU,
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
    TaskName.SOCIAL_POST: Queue.SOCIAL,
    TaskName.SOCIAL_POSTS_TICK: Queue.DEFAULT,
    TaskName.LIBRARY_TAG: Queue.CONTENT,
}


@dataclass(frozen=True)
class WorkerGroup:
    """One worker group: a supervisord program, a compose service, a Kubernetes Deployment
    (with its KEDA ScaledObject and HPA) and a `reelforge run` child, all consuming `queues`."""

    name: str
    queues: tuple[Queue, ...]
    concurrency: int  # -c: jobs one worker runs at once
    # Celery's warm shutdown finishes the running job within this: supervisord stopwaitsecs,
    # compose stop_grace_period, terminationGracePeriodSeconds
    stop_grace_s: int
    jobs_per_replica: int  # queue depth per replica that KEDA and the HPA scale towards
    max_replicas: int
    min_replicas: int = 1  # 0 scales to zero when idle (KEDA; the HPA keeps one)
    gpu: bool = False  # the CUDA image, one GPU per pod, started only when asked for


# One render already keeps every core busy, so video and gpu workers take one job at a time.
GROUPS: tuple[WorkerGroup, ...] = (
    # short LLM, TTS and publish calls: LLM_TIMEOUT_S (60) per try, TTS_TIMEOUT_S (120)
    WorkerGroup("content", (Queue.CONTENT, Queue.SOCIAL), concurrency=2, stop_grace_s=300,
                jobs_per_replica=10, max_replicas=10),
    # a render is killed after RENDER_TIMEOUT_S (1800); a minute more stores the result
    WorkerGroup("video", (Queue.VIDEO,), concurrency=1, stop_grace_s=1860,
                jobs_per_replica=2, max_replicas=20),
    WorkerGroup("gpu", (Queue.GPU,), concurrency=1, stop_grace_s=1860,
                jobs_per_replica=1, max_replicas=4, min_replicas=0, gpu=True),
    # maintenance and system tasks: sweeps, clean-ups, reports
    WorkerGroup("default", (Queue.DEFAULT,), concurrency=2, stop_grace_s=120,
                jobs_per_replica=20, max_replicas=4),
)
GROUP_BY_NAME: dict[str, WorkerGroup] = {g.name: g for g in GROUPS}
# group -> its queues, the view the scalers and deploy checks read
WORKER_GROUPS: dict[str, tuple[Queue, ...]] = {g.name: g.queues for g in GROUPS}


def queue_for(task: TaskName) -> Queue:
    return TASK_QUEUES[task]
