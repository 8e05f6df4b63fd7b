"""An endpoint's recent deliveries, and sending a finished delivery again.

A resend puts the same row back to `pending` and publishes `webhook.deliver` for it, so
the next attempt runs through the worker's usual path (app.webhooks.sender): the same
event id and body, signed at the attempt with the endpoint's current secret, retried with
the usual backoff. Its attempts continue the row's count and log; retries after it stop
at WEBHOOK_MAX_ATTEMPTS like any other. Only a finished delivery (succeeded or failed) can
be resent: one still pending, delivering or retrying answers 409, so pressing twice sends
it once. A lost publish is sent again by the sweeper (app.webhooks.stranded)."""

from __future__ import annotations

import logging
import uuid

from anyio import to_thread
from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.core.transaction import after_commit
from app.jobs.names import TaskName, queue_for
from app.jobs.publish import publish_job
from app.models import User, WebhookDelivery
from app.models.base import utcnow
from app.models.webhook import DeliverySource, DeliveryStatus
from app.services.submits.jobs import decode_cursor, encode_cursor
from app.services.webhooks import get_endpoint

log = logging.getLogger(__name__)

FINISHED = (DeliveryStatus.SUCCEEDED.value, DeliveryStatus.FAILED.value)
RESEND_PRIORITY = 5  # a person pressed the button: the default submit priority


async def list_endpoint_deliveries(*, session: AsyncSession, user: User,
                                   endpoint_id: uuid.UUID, limit: int,
                                   cursor: str | None) -> tuple[list[WebhookDelivery], str | None]:
    """The endpoint's deliveries, newest first, keyset-paginated on (created_at, id)."""
    await get_endpoint(session=session, user=user, endpoint_id=endpoint_id)
    query = select(WebhookDelivery).where(WebhookDelivery.user_id == user.id,
                                          WebhookDelivery.endpoint_id == endpoint_id)
    if cursor:
        created, row_id = decode_cursor(cursor)
        query = query.where(tuple_(WebhookDelivery.created_at, WebhookDelivery.id)
                            < tuple_(created, row_id))
    query = query.order_by(WebhookDelivery.created_at.desc(),
                           WebhookDelivery.id.desc()).limit(limit + 1)
    rows = list(await session.scalars(query))
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor


def _send(delivery_id: uuid.UUID) -> None:
    publish_job(job_id=delivery_id, task_name=TaskName.WEBHOOK_DELIVER.value,
                queue=queue_for(TaskName.WEBHOOK_DELIVER).value, priority=RESEND_PRIORITY)


async def resend_delivery(*, session: AsyncSession, user: User,
                          delivery_id: uuid.UUID) -> WebhookDelivery:
    """Queue one more attempt of the user's finished delivery (published after commit)."""
    delivery = await session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.user_id != user.id:
        raise NotFound("delivery", field="delivery_id")
    if delivery.source == DeliverySource.ENDPOINT.value and delivery.endpoint_id is None:
        raise AppError("endpoint_deleted", "its webhook endpoint was deleted, so there is "
                       "nowhere to send it", 409, field="delivery_id")
    now = utcnow()
    reopened = await session.scalar(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status.in_(FINISHED))
        .values(status=DeliveryStatus.PENDING.value, next_attempt_at=None, delivered_at=None,
                updated_at=now)
        .returning(WebhookDelivery)
        .execution_options(populate_existing=True))
    if reopened is None:
        raise AppError("delivery_in_progress", "it is still being sent; resend it once it "
                       "has succeeded or failed", 409, field="delivery_id")

    async def publish() -> None:
        try:
            await to_thread.run_sync(_send, delivery_id)
        except Exception:  # the sweeper sends a pending delivery again (webhooks/stranded)
            log.warning("webhook.resend.publish_failed",
                        extra={"delivery_id": str(delivery_id)}, exc_info=True)

    after_commit(session, publish)
    return reopened
