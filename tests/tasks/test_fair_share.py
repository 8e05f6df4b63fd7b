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


# A card-only 4K timeline goes to the gpu queue, which no session worker consumes, so which
# jobs are queued and which held stays as admission left it.
ULTRA = {"timeline": {"scenes": [{"kind": "card", "duration_s": 1}],
                      "output": {"quality": "ultra"}}}


def test_rising_priorities_and_other_queues_share_one_allowance(
        make_account: Callable[..., Account]) -> None:
    """Each job more urgent than the last used to skip the share, and each queue had its
    own: the share is now counted over all of a user's queued messages, and only one urgent
    job may go past it (share + 1 at most)."""
    user = make_account()
    client = user.client

    def submit(priority: int, **headers: str) -> str:
        answer = client.post("/api/v1/tasks/submit/video", json={**ULTRA, "priority": priority},
                             headers=headers)
        assert answer.status_code == 202, answer.text
        return str(answer.json()["id"])

    first = submit(1)
    rising = [submit(2), submit(3, **{"Idempotency-Key": "rising-3"})]  # batch and keyed
    speech = client.post("/api/v1/tasks/submit/tts", json={"text": "Hi.", "priority": 9})
    assert speech.status_code == 202, speech.text
    state = {job_id: client.get(f"/api/v1/tasks/{job_id}").json()["state"]
             for job_id in [first, *rising, speech.json()["id"]]}
    assert list(state.values()) == ["queued", "queued", "held", "held"]


def test_priority_is_capped_by_the_plan(make_account: Callable[..., Account]) -> None:
    """A free account asking for 10 is clamped to its plan's highest priority (5)."""
    free, pro = make_account(plan="free"), make_account()
    for account, expected in ((free, 5), (pro, 9)):
        answer = account.client.post("/api/v1/tasks/submit/video",
                                     json={**ULTRA, "priority": 10})
        assert answer.status_code == 202, answer.text
        assert answer.json()["priority"] == expected
        job = account.client.get(f"/api/v1/tasks/{answer.json()['id']}").json()
        assert job["priority"] == expected
    keyed = free.client.post("/api/v1/tasks/submit/video", json={**ULTRA, "priority": 8},
                             headers={"Idempotency-Key": "cap-1"})
    assert keyed.json()["priority"] == 5
    workflow = free.client.post("/api/v1/tasks/submit/workflow",
                                json={"script": "Tea is old.", "priority": 10})
    assert workflow.status_code == 202, workflow.text
    steps = free.client.get(f"/api/v1/workflows/{workflow.json()['id']}").json()["steps"]
    assert {free.client.get(f"/api/v1/tasks/{s['job_id']}").json()["priority"]
            for s in steps} == {5}
