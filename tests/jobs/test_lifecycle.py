"""The job lifecycle on PostgreSQL: a transition moves only rows in its `from_` states and
records its history entry in the same UPDATE; quotas refuse as the plan says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.core.db import sync_session
from app.jobs.lifecycle import CANCELLABLE, transition
from app.jobs.quotas import decide, queue_refusal
from app.models import Job, JobState
from tests.ops.rows import add_jobs, job, make_user, stored_job


def test_a_transition_moves_only_rows_in_its_from_states() -> None:
    user = make_user()
    now = datetime.now(UTC)
    done, waiting = job(user, created=now), job(user, created=now, state="queued", run_s=None)
    add_jobs([done, waiting])
    ids = [done["id"], waiting["id"]]
    with sync_session() as session:
        moved = session.scalars(transition(
            JobState.CANCELLED, Job.id.in_(ids), from_=CANCELLABLE, entry={"by": "test"},
            finished_at=now).returning(Job.id)).all()
        session.commit()
    assert moved == [waiting["id"]]
    assert stored_job(done["id"]).state == "succeeded" and stored_job(done["id"]).history == []
    cancelled = stored_job(waiting["id"])
    assert cancelled.state == "cancelled" and cancelled.finished_at == now
    assert [(h["state"], h["by"]) for h in cancelled.history] == [("cancelled", "test")]


def test_a_transition_appends_to_the_history_it_finds() -> None:
    user = make_user()
    row = job(user, created=datetime.now(UTC), state="pending", run_s=None)
    add_jobs([row])
    for to, from_ in ((JobState.QUEUED, JobState.PENDING), (JobState.STARTED, JobState.QUEUED),
                      (JobState.QUEUED, JobState.PENDING)):  # the last finds nothing to move
        with sync_session() as session:
            session.execute(transition(to, Job.id == row["id"], from_=from_))
            session.commit()
    assert [h["state"] for h in stored_job(row["id"]).history] == ["queued", "started"]


def test_quota_rules_refuse_by_plan_and_depth() -> None:
    assert decide(plan="free", kind="video", recent=0, oldest=None, waiting=0) is None
    oldest = datetime.now(UTC) - timedelta(minutes=50)
    over = decide(plan="free", kind="video", recent=10_000, oldest=oldest, waiting=0)
    assert over is not None and over.reason == "over_quota"
    assert 0 < over.retry_after_s <= 600  # the oldest submit leaves the window in ~10 min
    error = over.error()
    assert error.status == 429 and error.headers is not None
    assert 1 <= int(error.headers["Retry-After"]) <= 600
    waiting = decide(plan="unknown-plan", kind="video", recent=0, oldest=None,
                     waiting=10_000)  # an unknown plan is held to the free plan
    assert waiting is not None and "waiting at once" in waiting.detail
    full = queue_refusal("video", 10**9)
    assert full is not None and full.reason == "queue_full"
    assert full.error().message.endswith("; try again shortly")
    assert queue_refusal("video", 0) is None
