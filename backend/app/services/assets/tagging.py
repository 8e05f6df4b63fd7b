"""Every new asset is auto-tagged by a `library.tag` message on the content queue, sent
once the asset's row has committed.

The message carries the asset's id (the runtime's port sends `task(id)`); tagging is no
job row of its owner's: it must not take a place in their fair share, count against their
plan or show in their job list, and a shared item has no owner at all. Its state is the
asset's `tag_state`. A message lost before a worker took it (a crash between commit and
publish, a broker lost with its queue) leaves `pending`: the sweeper sends it again once
it has waited `QUEUED_REPUBLISH_S` (`take_untagged`), the patience it has for queued jobs,
since a message may sit in a long content backlog and a resend there only adds a
duplicate (a `done` asset is skipped). Each resend re-arms the wait.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from anyio import to_thread
from sqlalchemy import DateTime, cast, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.db import sync_session
from app.core.transaction import after_commit
from app.jobs.names import TaskName, queue_for
from app.jobs.publish import publish_job
from app.models import Asset
from app.models.base import utcnow

log = logging.getLogger(__name__)

TAGGING_PRIORITY = 3  # below a default submit (5): a render someone waits for goes first
RESEND_BATCH = 500  # assets re-sent per sweep (every 15 s)


def send_tagging(asset_id: uuid.UUID) -> None:
    """Publish the tagging message of one committed asset (safe to repeat)."""
    publish_job(job_id=asset_id, task_name=TaskName.LIBRARY_TAG.value,
                queue=queue_for(TaskName.LIBRARY_TAG).value, priority=TAGGING_PRIORITY)


def tag_after_commit(session: AsyncSession, asset_id: uuid.UUID) -> None:
    """Send the asset's tagging message once the request's transaction commits; the upload
    stands even when the broker does not answer (the asset stays `pending`)."""
    async def send() -> None:
        try:
            await to_thread.run_sync(send_tagging, asset_id)
        except Exception:
            log.warning("library.tag.publish_failed", extra={"asset_id": str(asset_id)},
                        exc_info=True)

    after_commit(session, send)


def take_untagged(period_s: float | None = None) -> list[uuid.UUID]:
    """Assets still `pending` a full period after their message (or last resend) left,
    re-armed (`features.tag_sent_at`) so that the next sweep waits a full period again."""
    period = settings.broker.QUEUED_REPUBLISH_S if period_s is None else period_s
    now = utcnow()
    # a pending asset's features hold nothing but this mark; the tagger replaces them
    sent = func.coalesce(cast(Asset.features["tag_sent_at"].astext, DateTime(timezone=True)),
                         Asset.created_at)
    with sync_session() as session:
        found = list(session.scalars(
            select(Asset.id).where(Asset.tag_state == "pending",
                                   sent < now - timedelta(seconds=period))
            .order_by(Asset.created_at).limit(RESEND_BATCH).with_for_update(skip_locked=True)))
        if found:
            session.execute(update(Asset).where(Asset.id.in_(found)).values(
                features={"tag_sent_at": now.isoformat()}))
        session.commit()
    return found
