"""The publish job: one post of a reel to one connected account, exactly once.

The post row exists before any call to the platform. What `start` returns (the upload
session, publish id or container id) is committed before the bytes are sent, and every
attempt that finds such an id asks the platform (`poll`) before it starts anything, so an
attempt killed after the platform accepted the upload finds that upload and finishes it.
The file is streamed from the store to a private folder and sent from there in chunks;
Instagram fetches a short-lived presigned URL of it instead.
"""

from __future__ import annotations

import logging
import time
import uuid
from pathlib import Path
from typing import Any

from app.core.config import settings
from app.core.errors import AppError
from app.core.temp_names import JobFolder
from app.jobs.policy import TransientError
from app.jobs.runtime import JobFailed, JobRun, worker_redis
from app.jobs.stored_inputs import private_folder
from app.models import PostState, SocialPost
from app.publishing.base import Grant, PostStatus, Publisher, Upload, VideoPost
from app.publishing.errors import (
    GrantRevoked,
    PublishError,
    PublishTransientError,
    UploadSessionGone,
)
from app.services.social_accounts import quota
from app.services.social_accounts.platforms import publisher_for
from app.services.social_accounts.tokens import open_tokens
from app.services.workers import post_rows
from app.storage import get_storage

log = logging.getLogger(__name__)
UPLOAD_SHARE = 0.8  # of the job's progress; the platform's processing takes the rest
FETCHES_URL = frozenset({"instagram"})  # platforms that fetch the file themselves


def _video(post: SocialPost, path: Path | None, size: int, url: str | None) -> VideoPost:
    """The words where each platform reads them: YouTube a title and a description,
    TikTok one caption (its `title`), Instagram one caption (its `description`)."""
    text = {"youtube": (post.title, post.description),
            "tiktok": (post.caption or post.title, ""),
            "instagram": ("", post.caption or post.description)}[post.platform]
    return VideoPost(path=path, size_bytes=size, title=text[0], description=text[1],
                     tags=tuple(post.hashtags), privacy=post.privacy, video_url=url)


def _recorded(post: SocialPost) -> Upload | None:
    if post.upload_url is None and post.remote_id is None:
        return None
    return Upload(platform=post.platform, remote_id=post.remote_id, upload_url=post.upload_url,
                  total_bytes=post.total_bytes or 0, extra=dict(post.remote or {}))


class _Publish:
    """One attempt at one post."""

    def __init__(self, run: JobRun, post: SocialPost, publisher: Publisher,
                 grant: Grant) -> None:
        self.run, self.post, self.publisher, self.grant = run, post, publisher, grant
        self.id = post.id
        self._stage: str | None = None

    def _report(self, fraction: float, stage: str) -> None:
        """Progress, throttled by the runtime; a new stage is always announced, so a fast
        upload still shows `uploading` before `published`."""
        self.run.progress(fraction, stage, force=stage != self._stage)
        self._stage = stage

    def _progress(self, sent: int, total: int) -> None:
        self._report(UPLOAD_SHARE * sent / max(total, 1), "uploading")

    def _ask(self, upload: Upload) -> tuple[Upload | None, PostStatus | None]:
        """What the platform holds of an upload an earlier attempt started."""
        try:
            status = self.publisher.poll(self.grant, upload)
        except UploadSessionGone:
            post_rows.forget_upload(self.id)
            return None, None
        log.info("post.resumed", extra={"post_id": str(self.id), "state": status.state})
        if status.state != "uploading":  # the platform has the file: record what it said
            upload = upload.advanced(remote_id=status.remote_id or upload.remote_id)
            post_rows.record_upload(self.id, upload, state=PostState.PROCESSING)
        return upload.advanced(sent_bytes=status.sent_bytes), status

    def run_to_end(self, video: VideoPost) -> PostStatus:
        upload, status = None, None
        recorded = _recorded(self.post)
        if recorded is not None:
            upload, status = self._ask(recorded)
        if upload is None:
            upload = self.publisher.start(self.grant, video)
            post_rows.record_upload(self.id, upload, state=PostState.UPLOADING)
        if status is None or status.state == "uploading":
            upload = self.publisher.send(self.grant, upload, video, self._progress)
            post_rows.record_upload(self.id, upload, state=PostState.PROCESSING)
            status = self.publisher.poll(self.grant, upload)
        return self._until_published(upload, status)

    def _until_published(self, upload: Upload, status: PostStatus) -> PostStatus:
        deadline = time.monotonic() + settings.publishing.PUBLISH_DEADLINE_S
        while True:
            if status.state == "ready":
                status = self.publisher.finish(self.grant, upload)
            if status.state in ("published", "failed"):
                return status
            self._report(UPLOAD_SHARE, f"processing on {self.post.platform}")
            if self.run.should_cancel():
                raise JobFailed("cancelled", "the job was cancelled while the platform "
                                "processed the upload; the post may still appear")
            if time.monotonic() > deadline:
                raise TransientError(f"{self.post.platform} is still processing the upload")
            time.sleep(settings.publishing.PUBLISH_POLL_INTERVAL_S)  # the platform's pace
            status = self.publisher.poll(self.grant, upload)


def _file_and_url(post: SocialPost, folder: Path) -> tuple[Path | None, int, str | None]:
    storage = get_storage()
    if post.platform in FETCHES_URL:
        url = storage.presigned_get(post.output_key, content_type="video/mp4",
                                    expires_s=settings.publishing.PUBLISH_PRESIGN_TTL_S)
        if url is None:
            raise JobFailed("no_presigned_url", f"{post.platform} fetches the video from a "
                            "URL, and this store gives none (use the S3 store)")
        return None, storage.size(post.output_key), url
    path = folder / "reel.mp4"
    storage.download(post.output_key, path)  # streamed to disk, never held in memory
    return path, path.stat().st_size, None


def _reserve_units(post: SocialPost, account_id: uuid.UUID, budget: quota.Budget) -> bool:
    """Reserve a new upload's units on the account's day; False when they would pass the
    daily budget. An attempt that resumes a recorded upload starts none and reserves 0."""
    if _recorded(post) is not None:
        return True
    if budget.upload_units > budget.daily_units:
        raise JobFailed("quota_too_small", f"{post.platform}: an upload takes "
                        f"{budget.upload_units} quota units and the daily budget is "
                        f"{budget.daily_units} (YOUTUBE_DAILY_QUOTA_UNITS)")
    return quota.reserve(worker_redis(), account_id, budget.upload_units,
                         budget.daily_units)


def _wait_for_quota(run: JobRun, post: SocialPost, account_id: uuid.UUID,
                    budget: quota.Budget) -> dict[str, Any]:
    """Hand the post back to the schedule, due when the quota day starts again."""
    until = quota.reset_at()
    used = quota.used_today(worker_redis(), account_id)
    message = (f"{post.platform}: this account spent {used:,} of its {budget.daily_units:,} "
               f"daily quota units and an upload takes {budget.upload_units:,}; the post is "
               f"tried again at {until.isoformat()} (midnight Pacific time)")
    post_rows.wait_for_quota(post.id, run.job_id, until, message)
    run.progress(0.0, "waiting for quota", force=True)
    log.info("post.quota_exhausted", extra={"post_id": str(post.id), "until": until.isoformat()})
    return post_rows.result_of(post_rows.load(post.id) or post)


def _fail(post: SocialPost, code: str, message: str) -> JobFailed:
    post_rows.failed(post.id, code, message)
    return JobFailed(code, message)


def publish_post(run: JobRun) -> dict[str, Any]:
    """The job body: publish post `params.post_id` and return where it went."""
    post = post_rows.load(uuid.UUID(str(run.params["post_id"])))
    if post is None:
        raise JobFailed("post_missing", "the post was deleted")
    # a post failed under this very job is tried again (the job's retry or requeue)
    failed_elsewhere = post.state == PostState.FAILED and post.job_id != run.job_id
    if post.state in (PostState.PUBLISHED, PostState.CANCELLED) or failed_elsewhere \
            or not post_rows.begin(post.id, run.job_id):
        return post_rows.result_of(post_rows.load(post.id) or post)
    account = None if post.account_id is None else post_rows.load_account(post.account_id)
    if account is None:
        raise _fail(post, "account_missing", f"the {post.platform} account was disconnected "
                    "before the post was published; connect it again and post anew")
    try:
        publisher = publisher_for(post.platform)
    except AppError as exc:
        raise _fail(post, exc.code, exc.message) from None
    budget, reserved = quota.budget_for(post.platform), 0
    run.progress(0.0, "preparing", force=True)
    try:
        if budget is not None:
            if not _reserve_units(post, account.id, budget):
                return _wait_for_quota(run, post, account.id, budget)
            reserved = budget.upload_units if _recorded(post) is None else 0
        grant = Grant(open_tokens(account),
                      on_refresh=lambda t: post_rows.store_tokens(account.id, t))
        grant.ensure_fresh(publisher.refresh)
        with private_folder(JobFolder.PUBLISH, run.job_id) as folder:
            path, size, url = _file_and_url(post, folder)
            status = _Publish(run, post, publisher, grant).run_to_end(
                _video(post, path, size, url))
    except GrantRevoked as exc:
        post_rows.needs_reconnect(account.id, exc.message)
        raise _fail(post, exc.code, exc.message) from None
    except PublishTransientError as exc:
        post_rows.noted(post.id, exc.code, exc.message)
        raise TransientError(exc.message) from None
    except PublishError as exc:
        raise _fail(post, exc.code, exc.message) from None
    except JobFailed as exc:
        raise _fail(post, exc.code, exc.message) from None
    finally:
        publisher.close()
        if reserved or getattr(publisher, "quota_spent", 0):  # what the adapter counted
            quota.add(worker_redis(), account.id,
                      getattr(publisher, "quota_spent", 0) - reserved)
    if status.state == "failed":
        raise _fail(post, "platform_failed", status.error or "the platform refused the video")
    post_rows.published(post.id, status)
    run.progress(1.0, "published", force=True)
    log.info("post.published", extra={"post_id": str(post.id), "url": status.url})
    return post_rows.result_of(post_rows.load(post.id) or post)
