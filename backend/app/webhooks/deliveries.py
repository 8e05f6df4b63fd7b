"""Delivery rows from the worker's side: record an outcome's deliveries, claim, record.

Rows are written with conditional updates, so a redelivered message never runs two
attempts of one delivery at once, and a result is recorded only by the attempt that
holds the row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import sync_session
from app.models import Job, JobState, WebhookDelivery, WebhookEndpoint, WebhookSecret
from app.models.base import utcnow
from app.models.webhook import DeliverySource, DeliveryStatus
from app.webhooks.webhooks import (
    JOB_DEAD,
    JOB_FAILED,
    JOB_SUCCEEDED,
    build_event,
    encode_event,
    event_id_for,
    new_secret,
)

OUTCOME_EVENTS = {JobState.SUCCEEDED.value: JOB_SUCCEEDED, JobState.FAILED.value: JOB_FAILED,
                  JobState.DEAD.value: JOB_DEAD}
CLAIMABLE = (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value)


@dataclass(frozen=True)
class Claimed:
    """A delivery whose attempt number `attempt` this worker now holds."""

    id: uuid.UUID
    user_id: uuid.UUID
    endpoint_id: uuid.UUID | None
    source: str
    url: str
    payload: str
    event_id: uuid.UUID
    event_type: str
    attempt: int


def job_event(job: Job, event_type: str) -> tuple[uuid.UUID, str]:
    """The event id and exact body for a job's final outcome."""
    event_id = event_id_for(job.id, event_type, job.attempts)  # attempts: a requeue is new
    job_url = f"{settings.app.PUBLIC_URL}{settings.app.API_PREFIX}/tasks/{job.id}"
    finished = job.finished_at or utcnow()
    data: dict[str, Any] = {"job_id": str(job.id), "kind": job.kind, "state": job.state,
                            "attempts": job.attempts, "finished_at": finished.isoformat(),
                            "url": job_url}
    if job.state == JobState.SUCCEEDED.value:
        data.update(result=job.result, result_url=f"{job_url}/result")
    else:
        data["error"] = job.error
    event = build_event(event_id=event_id, event_type=event_type, created_at=finished, data=data)
    return event_id, encode_event(event).decode("ascii")


def ensure_secret(session: Session, user_id: uuid.UUID) -> None:
    """Give the user a callback signing secret unless one exists (callbacks are always signed)."""
    session.execute(insert(WebhookSecret).values(user_id=user_id, secret=new_secret(),
                                                 created_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["user_id"]))


def create_for_job(job_id: uuid.UUID) -> list[uuid.UUID]:
    """Record one delivery per target of the job's final event; the ids newly recorded."""
    with sync_session() as session:
        job = session.get(Job, job_id)
        event_type = OUTCOME_EVENTS.get(job.state) if job is not None else None
        if job is None or event_type is None:
            return []
        targets: list[tuple[DeliverySource, uuid.UUID | None, str]] = []
        if job.callback_url:
            targets.append((DeliverySource.CALLBACK, None, job.callback_url))
        endpoints = session.execute(select(WebhookEndpoint.id, WebhookEndpoint.url).where(
            WebhookEndpoint.user_id == job.user_id,
            WebhookEndpoint.events.contains([event_type])))
        targets += [(DeliverySource.ENDPOINT, e_id, url) for e_id, url in endpoints]
        if not targets:
            return []
        if job.callback_url:
            ensure_secret(session, job.user_id)
        event_id, body = job_event(job, event_type)
        now = utcnow()
        rows: list[dict[str, Any]] = [
            {"id": uuid.uuid4(), "job_id": job.id, "user_id": job.user_id,
             "endpoint_id": endpoint_id, "source": source.value, "event_id": event_id,
             "event_type": event_type, "url": url, "payload": body,
             "status": DeliveryStatus.PENDING.value, "attempts": 0, "attempt_log": [],
             "created_at": now, "updated_at": now} for source, endpoint_id, url in targets]
        ids = session.scalars(
            insert(WebhookDelivery).values(rows)
            .on_conflict_do_nothing(constraint="uq_webhook_deliveries_event_target")
            .returning(WebhookDelivery.id)).all()
        session.commit()
    return list(ids)


def claim(delivery_id: uuid.UUID, *, lease_s: float) -> Claimed | None:
    """Start the next attempt; an attempt whose lease ran out (lost worker) is taken over."""
    now = utcnow()
    delivering = WebhookDelivery.status == DeliveryStatus.DELIVERING.value
    lost_entry = func.jsonb_build_array(func.jsonb_build_object(
        "attempt", WebhookDelivery.attempts, "error", literal("lost: the worker stopped"),
        "started_at", WebhookDelivery.updated_at)).cast(JSONB)
    with sync_session() as session:
        row = session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, or_(
                WebhookDelivery.status.in_(CLAIMABLE),
                and_(delivering, WebhookDelivery.next_attempt_at < now)))
            .values(status=DeliveryStatus.DELIVERING.value, attempts=WebhookDelivery.attempts + 1,
                    next_attempt_at=now + timedelta(seconds=lease_s), updated_at=now,
                    attempt_log=case((delivering, WebhookDelivery.attempt_log.op("||")(lost_entry)),
                                     else_=WebhookDelivery.attempt_log))
            .returning(WebhookDelivery.id, WebhookDelivery.user_id, WebhookDelivery.endpoint_id,
                       WebhookDelivery.source, WebhookDelivery.url, WebhookDelivery.payload,
                       WebhookDelivery.event_id, WebhookDelivery.event_type,
                       WebhookDelivery.attempts)
        ).first()
        session.commit()
    return None if row is None else Claimed(*row)


def secret_for(claimed: Claimed) -> str | None:
    """The secret that signs this delivery; None when its endpoint was deleted."""
    with sync_session() as session:
        if claimed.source == DeliverySource.ENDPOINT.value:
            if claimed.endpoint_id is None:
                return None
            return session.scalar(select(WebhookEndpoint.secret)
                                  .where(WebhookEndpoint.id == claimed.endpoint_id))
        ensure_secret(session, claimed.user_id)
        secret = session.scalar(select(WebhookSecret.secret)
                                .where(WebhookSecret.user_id == claimed.user_id))
        session.commit()
        return secret


def record(claimed: Claimed, *, status: DeliveryStatus, status_code: int | None,
           error: str | None, next_attempt_at: datetime | None, entry: dict[str, Any]) -> bool:
    """Store the attempt's outcome, only while this attempt still holds the row."""
    now = utcnow()
    with sync_session() as session:
        done = session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == claimed.id,
                   WebhookDelivery.status == DeliveryStatus.DELIVERING.value,
                   WebhookDelivery.attempts == claimed.attempt)
            .values(status=status.value, last_status_code=status_code,
                    last_error=error[:1000] if error else None, next_attempt_at=next_attempt_at,
                    updated_at=now,
                    delivered_at=now if status is DeliveryStatus.SUCCEEDED else None,
                    attempt_log=WebhookDelivery.attempt_log.op("||")(
                        literal([entry], type_=JSONB)))
        ).rowcount  # type: ignore[attr-defined]
        session.commit()
    return bool(done)
