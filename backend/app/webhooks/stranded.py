"""Deliveries whose message was lost: recorded but never sent (the process stopped between
the commit and the publish), a retry whose delayed message went with its broker, or an
attempt whose worker died and whose message is gone. The sweeper sends them again.

A delivery counts as stranded once it has waited `QUEUED_REPUBLISH_S` past the moment it
was due, the same patience the sweeper has for queued jobs: a message may be sitting in a
long social-queue backlog, and a resend there only adds a duplicate (harmless: attempts
claim their row, so a duplicate finds nothing to do). Each resend re-arms the wait.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update

from app.core.config import settings
from app.core.db import sync_session
from app.models import WebhookDelivery
from app.models.base import utcnow
from app.models.webhook import DeliveryStatus

BATCH = 500
WAITING = (DeliveryStatus.PENDING.value, DeliveryStatus.RETRYING.value)


def take_stranded(period_s: float | None = None) -> list[uuid.UUID]:
    """The ids of stranded deliveries, re-armed so the next sweep waits a full period."""
    period = settings.broker.QUEUED_REPUBLISH_S if period_s is None else period_s
    now = utcnow()
    cutoff = now - timedelta(seconds=period)
    row = WebhookDelivery
    waiting = and_(row.status.in_(WAITING), row.updated_at < cutoff,
                   func.coalesce(row.next_attempt_at, row.updated_at) < cutoff)
    lost = and_(row.status == DeliveryStatus.DELIVERING.value, row.next_attempt_at < cutoff)
    with sync_session() as session:
        found = session.execute(
            select(row.id, row.status).where(or_(waiting, lost)).order_by(row.created_at)
            .limit(BATCH).with_for_update(skip_locked=True)).all()
        waiting_ids = [d_id for d_id, status in found if status in WAITING]
        lost_ids = [d_id for d_id, status in found if status not in WAITING]
        if waiting_ids:
            session.execute(update(row).where(row.id.in_(waiting_ids)).values(updated_at=now))
        if lost_ids:  # the lease now ends at the resend: the next attempt takes it over
            session.execute(update(row).where(row.id.in_(lost_ids)).values(next_attempt_at=now))
        session.commit()
    return [d_id for d_id, _ in found]
