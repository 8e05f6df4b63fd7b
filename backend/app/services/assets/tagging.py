"""Every new asset is auto-tagged by a `library.tag` message on the content queue, sent
once the asset's row has committed.

The message carries the asset's id (the runtime's port sends `task(id)`); tagging is no
job row of its owner's: it must not take a place in their fair share, count against their
plan or show in their job list, and a shared item has no owner at all. Its state is the
asset's `tag_state`; a message lost before a worker took it leaves `pending`, which
`reelforge library retag` sends again.
"""

from __future__ import annotations

import logging
import uuid

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.transaction import after_commit
from app.jobs.names import TaskName, queue_for
from app.jobs.publish import publish_job

log = logging.getLogger(__name__)

TAGGING_PRIORITY = 3  # below a default submit (5): a render someone waits for goes first


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
