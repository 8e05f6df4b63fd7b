"""Webhooks: your endpoints, your callback signing secret, and a job's deliveries."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from app.api.deps import CurrentUser, SessionDep
from app.api.paging import CursorQuery
from app.schemas.webhook import (
    DeliveryPage,
    DeliveryRead,
    EventTypeRead,
    SigningSecretRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
)
from app.services import webhook_deliveries
from app.services import webhooks as webhook_service
from app.webhooks.webhooks import EVENT_DESCRIPTIONS

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
# Mounted before the tasks router (see api/router.py), under the same /tasks prefix.
job_router = APIRouter(prefix="/tasks", tags=["webhooks"])

Responses = dict[int | str, dict[str, Any]]
NOT_FOUND: Responses = {404: {"description": "Unknown, or not yours"}}
UNSAFE: Responses = {422: {"description": "Not https, or resolves to a non-public address"}}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreated,
             summary="Add an endpoint; the answer shows its signing secret once",
             responses={**UNSAFE, 409: {"description": "Same url again, or too many"}})
async def create_webhook(body: WebhookCreate, user: CurrentUser,
                         session: SessionDep) -> WebhookCreated:
    endpoint = await webhook_service.create_endpoint(session=session, user=user, request=body)
    read = WebhookRead.model_validate(endpoint)
    return WebhookCreated(**read.model_dump(), secret=endpoint.secret)


@router.get("", response_model=list[WebhookRead], summary="Your endpoints")
async def list_webhooks(user: CurrentUser, session: SessionDep) -> list[WebhookRead]:
    endpoints = await webhook_service.list_endpoints(session=session, user=user)
    return [WebhookRead.model_validate(e) for e in endpoints]


@router.post("/signing-secret", status_code=status.HTTP_201_CREATED,
             response_model=SigningSecretRead,
             summary="Create or rotate the secret that signs your callback_url deliveries")
async def rotate_signing_secret(user: CurrentUser, session: SessionDep) -> SigningSecretRead:
    secret = await webhook_service.rotate_signing_secret(session=session, user=user)
    return SigningSecretRead(secret=secret.secret, created_at=secret.created_at)


@router.get("/event-types", response_model=list[EventTypeRead],
            summary="The event types an endpoint may subscribe to")
async def list_event_types(_: CurrentUser) -> list[EventTypeRead]:
    return [EventTypeRead(type=t, description=d) for t, d in EVENT_DESCRIPTIONS.items()]


@router.get("/{webhook_id}", response_model=WebhookRead, summary="One of your endpoints",
            responses=NOT_FOUND)
async def read_webhook(webhook_id: uuid.UUID, user: CurrentUser,
                       session: SessionDep) -> WebhookRead:
    endpoint = await webhook_service.get_endpoint(session=session, user=user,
                                                  endpoint_id=webhook_id)
    return WebhookRead.model_validate(endpoint)


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
               summary="Remove an endpoint", responses=NOT_FOUND)
async def delete_webhook(webhook_id: uuid.UUID, user: CurrentUser,
                         session: SessionDep) -> Response:
    await webhook_service.delete_endpoint(session=session, user=user, endpoint_id=webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryPage,
            summary="Recent deliveries to one of your endpoints, newest first, with every "
                    "attempt",
            responses={**NOT_FOUND, 422: {"description": "A bad cursor"}})
async def list_webhook_deliveries(
        webhook_id: uuid.UUID, user: CurrentUser, session: SessionDep,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        cursor: CursorQuery = None) -> DeliveryPage:
    rows, next_cursor = await webhook_deliveries.list_endpoint_deliveries(
        session=session, user=user, endpoint_id=webhook_id, limit=limit, cursor=cursor)
    return DeliveryPage(items=[DeliveryRead.model_validate(d) for d in rows],
                        next_cursor=next_cursor)


@router.post("/deliveries/{delivery_id}/resend", status_code=status.HTTP_202_ACCEPTED,
             response_model=DeliveryRead,
             summary="Send a finished delivery again: the same event, signed afresh, as one "
                     "more attempt",
             responses={**NOT_FOUND,
                        409: {"description": "Still being sent (pending, delivering or "
                                             "retrying), or its endpoint was deleted"}})
async def resend_webhook_delivery(delivery_id: uuid.UUID, user: CurrentUser,
                                  session: SessionDep) -> DeliveryRead:
    row = await webhook_deliveries.resend_delivery(session=session, user=user,
                                                   delivery_id=delivery_id)
    return DeliveryRead.model_validate(row)


@job_router.get("/{job_id}/deliveries", response_model=list[DeliveryRead],
                summary="Webhook deliveries of one of your jobs, with every attempt",
                responses=NOT_FOUND)
async def list_job_deliveries(job_id: uuid.UUID, user: CurrentUser,
                              session: SessionDep) -> list[DeliveryRead]:
    rows = await webhook_service.list_deliveries(session=session, user=user, job_id=job_id)
    return [DeliveryRead.model_validate(d) for d in rows]
