"""The hourly cleanup, run by a worker, deletes OAuth states past their expiry (those of
users who never connect again) and keeps the live ones."""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import OAuthState
from app.tasks.app import celery_app
from tests.ops.rows import _insert, make_user
from tests.ops.test_maintenance_cleanup import wait_run
from tests.support.processes import CeleryWorker


def _state(user: uuid.UUID, expires_at: datetime) -> uuid.UUID:
    state_id = uuid.uuid4()
    _insert(OAuthState, [{"id": state_id, "user_id": user, "platform": "youtube",
                          "state_hash": hashlib.sha256(os.urandom(32)).hexdigest(),
                          "redirect_uri": "https://example.com/cb", "expires_at": expires_at}])
    return state_id


def _left(ids: set[uuid.UUID]) -> set[uuid.UUID]:
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.connect() as conn:
            return set(conn.scalars(select(OAuthState.id).where(OAuthState.id.in_(ids))))
    finally:
        engine.dispose()


def test_the_cleanup_removes_expired_oauth_states_and_keeps_live_ones(
        default_worker: CeleryWorker) -> None:
    user, now = make_user(), datetime.now(UTC)
    expired = _state(user, now - timedelta(seconds=1))
    live = _state(user, now + timedelta(minutes=10))
    slot = datetime(2002, 1, 1, tzinfo=UTC).replace(microsecond=uuid.uuid4().int % 10**6)
    for _ in range(2):  # wait_run waits for the duplicate too
        celery_app.send_task("maintenance.cleanup_temp_files",
                             kwargs={"slot": slot.isoformat()}, queue="default")

    run = wait_run("maintenance.cleanup_temp_files", slot)

    assert run.state == "succeeded" and run.result is not None
    assert run.result["oauth_states_removed"] >= 1
    assert _left({expired, live}) == {live}
