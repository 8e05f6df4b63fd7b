"""Request and response bodies for webhook endpoints, signing secrets and deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.webhooks.webhooks import EVENT_TYPES


class WebhookCreate(BaseModel):
    """A URL to receive your job events; https and public unless the server says otherwise."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(min_length=1, max_length=2048)
    events: list[str] = Field(default_factory=lambda: list(EVENT_TYPES), min_length=1,
                              max_length=len(EVENT_TYPES),
                              description=f"Any of {', '.join(EVENT_TYPES)}",
                              json_schema_extra={"items": {"type": "string",
                                                           "enum": list(EVENT_TYPES)}})
    description: str | None = Field(None, max_length=200)

    @field_validator("events")
    @classmethod
    def _known_events(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event types {unknown}; known: {list(EVENT_TYPES)}")
        return list(dict.fromkeys(value))


class EventTypeRead(BaseModel):
    """An event type an endpoint may subscribe to."""

    type: str
    description: str = Field(description="When it is sent")


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    created_at: datetime


class WebhookCreated(WebhookRead):
    """The answer to a create: the only time the signing secret is shown."""

    secret: str


class SigningSecretRead(BaseModel):
    """Your callback signing secret, shown once: it signs every `callback_url` delivery."""

    secret: str
    created_at: datetime


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    job_id: uuid.UUID
    endpoint_id: uuid.UUID | None
    source: str
    event_id: uuid.UUID
    event_type: str
    url: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    attempt_log: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None


class DeliveryPage(BaseModel):
    """An endpoint's deliveries, newest first; pass `next_cursor` back for older ones."""

    items: list[DeliveryRead]
    next_cursor: str | None
