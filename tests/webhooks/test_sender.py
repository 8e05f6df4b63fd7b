"""The delivery steps in this process, on the real database: URLs are checked again when
sent, outcomes are recorded once per target, and lost attempts are taken over."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import create_engine, insert, select, update
from sqlalchemy.engine import Engine

from app.core.config import settings
from app.core.http.addresses import NetPolicy
from app.models import Job, WebhookDelivery
from app.models.webhook import DeliveryStatus
from app.webhooks import deliveries
from app.webhooks.config import DeliveryConfig
from app.webhooks.sender import attempt_delivery
from tests.support.fixtures import Account
from tests.webhooks.receiver import Canary, Receiver

LOCAL = DeliveryConfig(policy=NetPolicy(allow_http=True, allow_private=True))


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    db = create_engine(settings.database.sync_url)
    yield db
    db.dispose()


def finished_job(engine: Engine, user_id: str, *, callback_url: str | None = None,
                 state: str = "succeeded") -> uuid.UUID:
    """A job row as a worker leaves it after its last attempt."""
    job_id, now = uuid.uuid4(), datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(insert(Job).values(
            id=job_id, user_id=uuid.UUID(user_id), kind="canary", task_name="system.canary",
            queue="default", priority=5, state=state, params={}, history=[], progress=1.0,
            attempts=1, created_at=now, finished_at=now, callback_url=callback_url,
            result={"ok": True} if state == "succeeded" else None,
            error=None if state == "succeeded" else {"code": "boom"}))
    return job_id


def delivery_row(engine: Engine, delivery_id: uuid.UUID) -> WebhookDelivery:
    with engine.connect() as conn:
        row = conn.execute(select(WebhookDelivery.__table__)
                           .where(WebhookDelivery.id == delivery_id)).one()
    return WebhookDelivery(**row._mapping)


def test_the_url_is_checked_again_when_sent(engine: Engine, account: Account,
                                            canary: Canary) -> None:
    job_id = finished_job(engine, account.user_id,
                          callback_url=f"http://127.0.0.1:{canary.port}/hook")
    (delivery_id,) = deliveries.create_for_job(job_id)
    strict = DeliveryConfig(policy=NetPolicy(allow_http=True))  # private networks closed now
    step = attempt_delivery(delivery_id, config=strict)
    assert (step.status, step.retry_in_s) == ("failed", None)
    row = delivery_row(engine, delivery_id)
    assert row.attempts == 1 and row.last_error and row.last_error.startswith("refused:")
    assert "loopback" in row.last_error and canary.connections == 0


def test_each_outcome_is_recorded_once_per_target(engine: Engine, account: Account) -> None:
    job_id = finished_job(engine, account.user_id, callback_url="https://example.com/hook",
                          state="failed")
    first = deliveries.create_for_job(job_id)
    assert len(first) == 1 and deliveries.create_for_job(job_id) == []
    row = delivery_row(engine, first[0])
    assert row.event_type == "job.failed" and '"code":"boom"' in row.payload
    quiet = finished_job(engine, account.user_id)  # no callback and no endpoint
    assert deliveries.create_for_job(quiet) == []


def test_a_deleted_endpoint_fails_its_delivery(engine: Engine, account: Account,
                                               local_client: httpx.Client,
                                               receiver: Receiver) -> None:
    endpoint = local_client.post("/api/v1/webhooks", json={"url": receiver.url}).json()
    (delivery_id,) = deliveries.create_for_job(finished_job(engine, account.user_id))
    assert local_client.delete(f"/api/v1/webhooks/{endpoint['id']}").status_code == 204
    assert attempt_delivery(delivery_id, config=LOCAL).status == "failed"
    assert delivery_row(engine, delivery_id).last_error == "refused: the endpoint was deleted"
    assert receiver.requests == []


def test_an_attempt_holds_the_row_until_its_lease_runs_out(engine: Engine, account: Account,
                                                           receiver: Receiver) -> None:
    job_id = finished_job(engine, account.user_id, callback_url=receiver.url)
    (delivery_id,) = deliveries.create_for_job(job_id)
    held = deliveries.claim(delivery_id, lease_s=60)
    assert held is not None and held.attempt == 1
    assert deliveries.claim(delivery_id, lease_s=60) is None  # a duplicate message waits
    assert attempt_delivery(delivery_id, config=LOCAL).status == "skipped"
    with engine.begin() as conn:  # the worker holding attempt 1 died: its lease expires
        conn.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                     .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert attempt_delivery(delivery_id, config=LOCAL).status == "succeeded"
    row = delivery_row(engine, delivery_id)
    assert row.attempts == 2 and len(receiver.requests) == 1
    assert [(a["attempt"], a["error"]) for a in row.attempt_log] == [
        (1, "lost: the worker stopped"), (2, None)]
    late = deliveries.record(held, status=DeliveryStatus.FAILED, status_code=None,
                             error="late", next_attempt_at=None, entry={})
    assert late is False  # the lost attempt cannot overwrite the outcome
