"""Fair share on a real worker: one user's backlog does not stand in front of another
user's single job; priorities still order a user's own work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import Job
from tests.support.canary import insert_canary
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker

BACKLOG = 30


def _rows(ids: list) -> dict:  # type: ignore[type-arg]
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(Job).where(Job.id.in_(ids)))}
    engine.dispose()
    return rows


def _submit_through_api_path(user_id: str, **params: object) -> object:
    """A canary job committed `pending`, then published or held by the same function the
    API's after-commit hook calls."""
    from app.core.db import sync_session
    from app.jobs.committed import publish_committed

    job_id = insert_canary(user_id, publish=False, **params)
    with sync_session() as session:
        job = session.get(Job, job_id)
        assert job is not None
        session.expunge(job)
    publish_committed([job])
    return job_id


def test_a_backlog_does_not_delay_another_users_job(make_account: Callable[..., Account],
                                                    default_worker: CeleryWorker) -> None:
    heavy, light = make_account(), make_account()
    backlog = [_submit_through_api_path(heavy.user_id, sleep_s=0.3) for _ in range(BACKLOG)]
    heavy.wait_job(str(backlog[2]), until={"started", "progress", "succeeded"})
    single = _submit_through_api_path(light.user_id, sleep_s=0.1)
    done = light.wait_job(str(single))
    assert done["state"] == "succeeded"
    for job_id in backlog:
        heavy.wait_job(str(job_id))
    rows = _rows([*backlog, single])
    # from the moment its message was on the broker (the row's `queued` transition)
    submitted = datetime.fromisoformat(
        next(h["at"] for h in rows[single].history if h["state"] == "queued"))
    started = rows[single].started_at
    overtaking = [j for j in backlog
                  if submitted < rows[j].started_at < started]
    # at most the heavy user's share of the broker, plus one being claimed at that very
    # instant (its claim releases the next one), never the rest of the backlog
    assert len(overtaking) <= settings.admission.FAIR_SHARE_PER_USER + 1
    still_waiting = [j for j in backlog if rows[j].started_at > started]
    assert len(still_waiting) >= BACKLOG // 2
    assert all(rows[j].state == "succeeded" for j in backlog)
    assert any("fair_share" == h.get("by") for j in backlog for h in rows[j].history)
    assert isinstance(started, datetime)
