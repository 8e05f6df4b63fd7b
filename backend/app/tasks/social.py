"""Social tasks: per-platform optimisation, the publish hook, a post to a connected account
(the `social` queue) and the tick that hands due scheduled posts to their jobs (`default`)."""

from __future__ import annotations

from app.core.config import settings
from app.jobs.names import TaskName
from app.services.social_posts import due as due_posts
from app.services.workers import post_rows
from app.services.workers.publish_hook import publish
from app.services.workers.social import optimise_reel
from app.services.workers.social_post import publish_post
from app.tasks.app import celery_app
from app.tasks.base import JobTask
from app.tasks.workflow import run_step


@celery_app.task(name=TaskName.SOCIAL_OPTIMIZE.value, bind=True, base=JobTask)
def optimize(self: JobTask, job_id: str) -> str:
    """Re-encode job `job_id`'s workflow reel for its platform."""
    return run_step(self, job_id, optimise_reel)


@celery_app.task(name=TaskName.SOCIAL_PUBLISH.value, bind=True, base=JobTask)
def publish_reels(self: JobTask, job_id: str) -> str:
    """Announce job `job_id`'s workflow reels to its publish hook."""
    return run_step(self, job_id, publish)


@celery_app.task(name=TaskName.SOCIAL_POST.value, bind=True, base=JobTask)
def publish_to_account(self: JobTask, job_id: str) -> str:
    """Publish job `job_id`'s post to its connected account, once."""
    return self.run_job(job_id, publish_post, on_final=post_rows.settle_after_job)


@celery_app.task(name=TaskName.SOCIAL_POSTS_TICK.value)
def posts_tick() -> dict[str, int]:
    """Hand the scheduled posts whose time has come to their publish jobs."""
    return {"handed_on": due_posts.tick(limit=settings.publishing.POST_TICK_BATCH)}
