"""Deliveries whose message was lost are sent again by the sweeper: one recorded but never
published (the process stopped after the commit) and one whose worker died mid-attempt."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import create_engine, delete, insert, select, update

from app.core.config import settings
from app.models import Job, WebhookDelivery
from app.tasks.maintenance import resend_stranded_deliveries
from app.webhooks import deliveries
from app.webhooks.stranded import take_stranded
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker
from tests.webhooks.conftest import wait_deliveries
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_delivery import add_endpoint

LONG_AGO = timedelta(hours=1)


def _finished_job(user_id: str) -> uuid.UUID:
    """A succeeded job whose outcome was never reported (no delivery sent for it)."""
    job_id, now = uuid.uuid4(), datetime.now(UTC)
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(Job).values(
            id=job_id, user_id=uuid.UUID(user_id), kind="canary", task_name="system.canary",
            queue="default", priority=5, state="succeeded", params={}, result={"ok": True},
            history=[], progress=1.0, attempts=1, created_at=now, finished_at=now))
    engine.dispose()
    return job_id


def _age(delivery_id: uuid.UUID, **values: object) -> None:
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                     .values(**values))
    engine.dispose()


def _status(delivery_id: uuid.UUID) -> str:
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        status = conn.scalar(select(WebhookDelivery.status)
                             .where(WebhookDelivery.id == delivery_id))
    engine.dispose()
    return str(status)


def test_lost_deliveries_are_sent_again_and_fresh_ones_are_left_alone(
        account: Account, local_client: httpx.Client, receiver: Receiver,
        social_worker: CeleryWorker) -> None:
    add_endpoint(local_client, f"{receiver.url}/hook")
    never_sent, mid_attempt, fresh = (_finished_job(account.user_id) for _ in range(3))
    [unpublished] = deliveries.create_for_job(never_sent)  # recorded, never published
    [lost] = deliveries.create_for_job(mid_attempt)
    [waiting] = deliveries.create_for_job(fresh)
    try:
        _age(unpublished, created_at=datetime.now(UTC) - LONG_AGO,
             updated_at=datetime.now(UTC) - LONG_AGO)
        # an attempt began an hour ago and its worker died: the lease ran out long since
        _age(lost, status="delivering", attempts=1, updated_at=datetime.now(UTC) - LONG_AGO,
             next_attempt_at=datetime.now(UTC) - LONG_AGO + timedelta(minutes=1))

        assert resend_stranded_deliveries() >= 2
        [first] = wait_deliveries(account.client, str(never_sent))
        [second] = wait_deliveries(account.client, str(mid_attempt))
        assert first["status"] == second["status"] == "succeeded"
        assert first["attempts"] == 1
        assert second["attempts"] == 2
        assert "lost" in second["attempt_log"][0]["error"]
        bodies = [json.loads(r.body) for r in receiver.requests]
        assert sorted(b["data"]["job_id"] for b in bodies) == sorted(
            [str(never_sent), str(mid_attempt)])  # each once, and not the fresh one

        assert waiting not in take_stranded()  # recorded just now: its message may be on its way
        assert _status(waiting) == "pending"
    finally:
        engine = create_engine(settings.database.sync_url)
        with engine.begin() as conn:
            conn.execute(delete(WebhookDelivery).where(WebhookDelivery.id == waiting))
        engine.dispose()
