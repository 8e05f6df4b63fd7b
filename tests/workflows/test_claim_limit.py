"""The running limit at claim counts the owner's running jobs, however many rows they have.

A workflow leaves several job rows per reel, so a busy user has many finished rows beside
a few running ones; the limit must see only the running ones.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import create_engine, insert

from app.core.config import settings
from app.jobs.claim import claim
from app.jobs.policy import DEFAULT_POLICY
from app.jobs.runtime import JobRun
from app.models import Job
from tests.support.fixtures import Account


def _rows(user_id: str, state: str, count: int) -> list[dict[str, object]]:
    now = datetime.now(UTC)
    return [{"id": uuid.uuid4(), "user_id": uuid.UUID(user_id), "kind": "canary",
             "task_name": "system.canary", "queue": "default", "priority": 5, "state": state,
             "params": {}, "history": [], "progress": 0.0, "attempts": 0, "created_at": now,
             "heartbeat_at": now} for _ in range(count)]


def test_many_finished_rows_do_not_count_as_running(account: Account) -> None:
    waiting = _rows(account.user_id, "queued", 1)
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(Job), [*_rows(account.user_id, "started", 1),
                                   *_rows(account.user_id, "succeeded", 40), *waiting])
    engine.dispose()
    # one running job against a limit of 8 (pro): the queued one may start
    outcome = claim(waiting[0]["id"], "test-claim", DEFAULT_POLICY)  # type: ignore[arg-type]
    assert isinstance(outcome, JobRun)
