"""What one scheduled run does: pick the photos, apply quotas, create and publish the job.

Synchronous (psycopg): the tick runs on a worker. The job follows the API's path: a
`pending` row committed with the run, then published and marked `queued` (or `held` for
fair share); a publish lost in between is re-sent by the sweeper, like any pending job.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.jobs.committed import publish_committed
from app.jobs.lifecycle import history_entry
from app.jobs.names import TaskName, queue_for
from app.jobs.quotas import capped_priority, refusal
from app.jobs.runtime import worker_redis
from app.models import Asset, Job, JobState, Schedule, User
from app.realtime import bus
from app.schemas.schedule import FixedPhotos, RecentPhotos, VideoTemplate
from app.services.assets.library import usable_by

log = logging.getLogger(__name__)
VIDEO_TASK = TaskName.VIDEO_RENDER


class RunRefused(Exception):
    """This fire time makes no job: the run is recorded `skipped` or `failed` with why."""

    def __init__(self, status: str, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.reason, self.detail = status, reason, detail


@dataclass(frozen=True)
class Planned:
    status: str
    reason: str | None = None
    detail: str | None = None
    job: Job | None = None


def _recent(session: Session, user_id: uuid.UUID, source: RecentPhotos,
            fire_at: datetime) -> list[uuid.UUID]:
    """Photos added in the window ending at the fire time: the newest ones, oldest first."""
    newest = list(session.scalars(
        select(Asset.id).where(Asset.user_id == user_id, Asset.kind == "image",
                               Asset.created_at > fire_at - source.since,
                               Asset.created_at <= fire_at)
        .order_by(Asset.created_at.desc(), Asset.id.desc()).limit(source.max_images)))
    if not newest:
        raise RunRefused("skipped", "no_new_photos", f"no photos were added in the "
                         f"{source.since} before {fire_at:%Y-%m-%d %H:%M} UTC")
    return newest[::-1]


def _owned(session: Session, user_id: uuid.UUID, ids: list[uuid.UUID], kind: str) -> None:
    """Every id is still one of the user's assets (or a shared item) of this kind, and
    none is a retired library item."""
    found = {row.id: row for row in session.execute(
        select(Asset.id, Asset.kind, Asset.retired_at).where(
            Asset.id.in_(ids), usable_by(user_id)))}
    for asset_id in ids:
        row = found.get(asset_id)
        if row is not None and row.retired_at is not None:
            raise RunRefused("failed", "asset_retired",
                             f"library item {asset_id} is retired and can no longer be used")
        if row is None or row.kind != kind:
            raise RunRefused("failed", "asset_missing",
                             f"asset {asset_id} no longer exists or is not {kind}")


def _photos(session: Session, user_id: uuid.UUID, source: RecentPhotos | FixedPhotos,
            fire_at: datetime) -> list[uuid.UUID]:
    if isinstance(source, RecentPhotos):
        return _recent(session, user_id, source, fire_at)
    _owned(session, user_id, source.asset_ids, "image")
    return source.asset_ids


def _add_job(session: Session, *, schedule: Schedule, fire_at: datetime,
             params: dict[str, object], priority: int) -> Job:
    """The sync twin of services.jobs.create_job: a `pending` row, published after commit."""
    job = Job(
        id=uuid.uuid4(), user_id=schedule.user_id, kind="video", task_name=VIDEO_TASK.value,
        queue=queue_for(VIDEO_TASK).value, priority=priority, state=JobState.PENDING.value,
        params=params, history=history_entry(JobState.PENDING, schedule_id=str(schedule.id),
                                             fire_at=fire_at.isoformat()),
        progress=0.0, attempts=0, created_at=datetime.now(UTC))
    session.add(job)
    session.flush()
    return job


def plan_run(session: Session, schedule: Schedule, fire_at: datetime) -> Planned:
    """Decide this fire time's outcome; an `enqueued` one has its job added to `session`."""
    template = VideoTemplate.model_validate(schedule.template)
    user = session.get(User, schedule.user_id)
    try:
        if user is None or not user.is_active:
            raise RunRefused("skipped", "account_inactive", "the account is deactivated")
        photos = _photos(session, user.id, template.images, fire_at)
        if template.audio_asset_id is not None:
            _owned(session, user.id, [template.audio_asset_id], "audio")
        refused = refusal(session=session, client=worker_redis(), user=user, kind="video",
                          queue=queue_for(VIDEO_TASK).value)
        if refused is not None:
            raise RunRefused("skipped", refused.reason, refused.detail)
    except RunRefused as refused_run:
        return Planned(refused_run.status, refused_run.reason, refused_run.detail)
    params = template.submit(photos).model_dump(
        mode="json", exclude={"priority", "callback_url", "timeline"})
    job = _add_job(session, schedule=schedule, fire_at=fire_at, params=params,
                   priority=capped_priority(plan=user.plan, role=user.role,
                                            priority=template.priority))
    return Planned("enqueued", job=job)


def publish_created(job: Job) -> None:
    """Publish a committed job and record `queued`, or hold it for fair share as an API
    submit would; on broker failure it stays `pending` for the sweeper."""
    events = publish_committed([job])
    try:
        for user_id, event in events:
            bus.publish_sync(worker_redis(), user_id, event)
    except redis.RedisError:
        log.warning("schedule.event_failed", extra={"job_id": str(job.id)}, exc_info=True)
