"""Webhooks from the API's side: endpoints, the callback signing secret, URL checks,
and a job's deliveries."""

from __future__ import annotations

import uuid

from anyio import to_thread
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.core.http import UnsafeUrl, check_url
from app.models import Job, User, WebhookDelivery, WebhookEndpoint, WebhookSecret
from app.models.base import utcnow
from app.schemas.webhook import WebhookCreate
from app.webhooks.config import net_policy
from app.webhooks.webhooks import new_secret


async def check_target(url: str, *, field: str) -> None:
    """Refuse (422 naming `field`) a URL that is not https or resolves to a non-public
    address; delivery checks again, since DNS answers change."""
    policy = net_policy()
    try:
        await to_thread.run_sync(lambda: check_url(url, policy))  # getaddrinfo blocks
    except UnsafeUrl as exc:
        raise AppError("unsafe_url", f"{field}: {exc}", 422, field=field) from None


async def ensure_signing_secret(*, session: AsyncSession, user: User) -> None:
    """Create the user's callback signing secret unless one exists."""
    await session.execute(insert(WebhookSecret).values(
        user_id=user.id, secret=new_secret(), created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id"]))


async def prepare_callback(*, session: AsyncSession, user: User, url: str | None) -> None:
    """Check a submit's `callback_url` and make sure a secret will sign its delivery."""
    if url is None:
        return
    await check_target(url, field="callback_url")
    await ensure_signing_secret(session=session, user=user)


async def rotate_signing_secret(*, session: AsyncSession, user: User) -> WebhookSecret:
    """Replace the user's callback signing secret; later attempts are signed with the new one."""
    now, secret = utcnow(), new_secret()
    row = await session.scalar(
        insert(WebhookSecret).values(user_id=user.id, secret=secret, created_at=now)
        .on_conflict_do_update(index_elements=["user_id"],
                               set_={"secret": secret, "created_at": now})
        .returning(WebhookSecret))
    assert row is not None  # an upsert always returns its row
    return row


async def create_endpoint(*, session: AsyncSession, user: User,
                          request: WebhookCreate) -> WebhookEndpoint:
    """Add an endpoint with a fresh secret (the caller shows it once)."""
    await check_target(request.url, field="url")
    count = await session.scalar(select(func.count()).select_from(WebhookEndpoint)
                                 .where(WebhookEndpoint.user_id == user.id))
    cap = settings.webhooks.WEBHOOK_MAX_ENDPOINTS_PER_USER
    if (count or 0) >= cap:
        raise AppError("too_many_webhooks", f"at most {cap} webhook endpoints per user", 409)
    endpoint_id = await session.scalar(
        insert(WebhookEndpoint).values(
            id=uuid.uuid4(), user_id=user.id, url=request.url, events=request.events,
            description=request.description, secret=new_secret(), created_at=utcnow())
        .on_conflict_do_nothing(constraint="uq_webhook_endpoints_user_url")
        .returning(WebhookEndpoint.id))
    if endpoint_id is None:
        raise AppError("webhook_exists", "you already have an endpoint with this url", 409,
                       field="url")
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    assert endpoint is not None
    return endpoint


async def list_endpoints(*, session: AsyncSession, user: User) -> list[WebhookEndpoint]:
    """The user's endpoints, oldest first."""
    rows = await session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.user_id == user.id)
                                 .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id))
    return list(rows)


async def get_endpoint(*, session: AsyncSession, user: User,
                       endpoint_id: uuid.UUID) -> WebhookEndpoint:
    """The user's own endpoint; another user's id reads as not found."""
    endpoint = await session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.user_id != user.id:
        raise NotFound("webhook", field="webhook_id")
    return endpoint


async def delete_endpoint(*, session: AsyncSession, user: User, endpoint_id: uuid.UUID) -> None:
    """Remove an endpoint; its unfinished deliveries fail at their next attempt."""
    await get_endpoint(session=session, user=user, endpoint_id=endpoint_id)
    await session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))


async def list_deliveries(*, session: AsyncSession, user: User,
                          job_id: uuid.UUID) -> list[WebhookDelivery]:
    """Every delivery of the user's job, oldest first, with its attempts."""
    owner = await session.scalar(select(Job.user_id).where(Job.id == job_id))
    if owner != user.id:  # another user's job reads as not found
        raise NotFound("job", field="job_id")
    rows = await session.scalars(select(WebhookDelivery).where(WebhookDelivery.job_id == job_id)
                                 .order_by(WebhookDelivery.created_at, WebhookDelivery.id))
    return list(rows)
