"""The tick on a real worker: new photos make a job a real worker renders; nothing new,
over quota or a deleted photo record why; missed fire times run once; concurrent ticks and
a fire time found due again never make a second job.

Ticks are sent with an explicit `now` (the controllable clock): "the next fire time has
come" without waiting for it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tests.schedules.client import create_schedule, runs
from tests.schedules.conftest import TickWorker
from tests.schedules.rows import add_photo, add_video_jobs, jobs_of, runs_of, set_next_fire
from tests.support.fixtures import Account
from tests.support.jobs import upload_images
from tests.support.processes import CeleryWorker


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def test_new_photos_make_a_video_a_worker_renders(account: Account, tick_worker: TickWorker,
                                                  worker: CeleryWorker) -> None:
    photos = upload_images(account, 2)
    schedule = create_schedule(account, {"source": "recent", "since": "P2D"})
    fire_at = _at(schedule["next_fire_at"])
    add_photo(account.user_id, fire_at - timedelta(days=3))  # before the window
    add_photo(account.user_id, fire_at + timedelta(minutes=1))  # after the fire time

    assert tick_worker.tick(fire_at + timedelta(seconds=5)) == [{"enqueued": 1}]

    [run] = runs(account, schedule["id"])
    assert (run["status"], _at(run["fire_at"]), run["reason"]) == ("enqueued", fire_at, None)
    job = account.wait_job(run["job_id"])
    assert job["state"] == "succeeded", job
    assert job["params"]["asset_ids"] == photos  # the window's photos, oldest first
    assert job["history"][0]["schedule_id"] == schedule["id"]
    assert [h["state"] for h in job["history"][:3]] == ["pending", "queued", "started"]
    after = account.client.get(f"/api/v1/schedules/{schedule['id']}").json()
    assert _at(after["last_fire_at"]) == fire_at
    assert _at(after["next_fire_at"]) - fire_at == timedelta(days=1)  # 07:00 the next day


def test_nothing_new_is_skipped_with_a_reason(account: Account,
                                              tick_worker: TickWorker) -> None:
    schedule = create_schedule(account, {"source": "recent", "since": "PT1H"})
    fire_at = _at(schedule["next_fire_at"])
    add_photo(account.user_id, fire_at - timedelta(hours=2))

    assert tick_worker.tick(fire_at) == [{"skipped": 1}]

    [run] = runs(account, schedule["id"])
    assert (run["status"], run["reason"], run["job_id"]) == ("skipped", "no_new_photos", None)
    assert "no photos were added" in run["detail"]
    assert jobs_of(account.user_id) == []


def test_a_run_over_quota_is_skipped(make_account: Callable[..., Account],
                                     tick_worker: TickWorker) -> None:
    account = make_account(plan="free")  # five video submits an hour
    upload_images(account, 1)
    add_video_jobs(account.user_id, 5)
    schedule = create_schedule(account, {"source": "recent", "since": "P2D"})

    assert tick_worker.tick(_at(schedule["next_fire_at"])) == [{"skipped": 1}]

    [run] = runs(account, schedule["id"])
    assert (run["status"], run["reason"], run["job_id"]) == ("skipped", "over_quota", None)
    assert "5 video submits per hour" in run["detail"]
    assert len(jobs_of(account.user_id)) == 5


def test_a_deleted_fixed_photo_fails_the_run(account: Account,
                                             tick_worker: TickWorker) -> None:
    photos = upload_images(account, 2)
    schedule = create_schedule(account, {"source": "assets", "asset_ids": photos})
    assert account.client.delete(f"/api/v1/assets/{photos[1]}").status_code == 204

    assert tick_worker.tick(_at(schedule["next_fire_at"])) == [{"failed": 1}]

    [run] = runs(account, schedule["id"])
    assert (run["status"], run["reason"], run["job_id"]) == ("failed", "asset_missing", None)
    assert photos[1] in run["detail"]


def test_missed_fire_times_run_only_the_latest(account: Account,
                                               tick_worker: TickWorker) -> None:
    photos = upload_images(account, 1)
    schedule = create_schedule(account, {"source": "assets", "asset_ids": photos},
                               cron="0 * * * *", timezone="UTC")
    now = datetime.now(UTC)
    this_hour = now.replace(minute=0, second=0, microsecond=0)
    set_next_fire([schedule["id"]], this_hour - timedelta(hours=5))  # down for five hours

    assert tick_worker.tick(now) == [{"enqueued": 1}]
    assert tick_worker.tick(now) == [{}]  # nothing is due any more

    [run] = runs(account, schedule["id"])
    assert _at(run["fire_at"]) == this_hour
    after = account.client.get(f"/api/v1/schedules/{schedule['id']}").json()
    assert _at(after["next_fire_at"]) == this_hour + timedelta(hours=1)
    account.client.delete(f"/api/v1/tasks/{run['job_id']}")  # no render needed


def test_concurrent_ticks_fire_each_schedule_once(account: Account,
                                                  tick_worker: TickWorker) -> None:
    photos = upload_images(account, 1)
    ids = [create_schedule(account, {"source": "assets", "asset_ids": photos},
                           cron="*/5 * * * *", timezone="UTC")["id"] for _ in range(6)]
    now = datetime.now(UTC)
    set_next_fire(ids, now - timedelta(minutes=20))

    outcomes = sum((Counter(r) for r in tick_worker.tick(now, count=4)), Counter())

    assert outcomes["enqueued"] == len(ids), outcomes
    rows = runs_of(ids)
    assert sorted(str(r.schedule_id) for r in rows) == sorted(ids)  # one run each
    jobs = jobs_of(account.user_id)
    assert sorted(str(j.id) for j in jobs) == sorted(str(r.job_id) for r in rows)
    # Each left `pending` before its tick ended: published, or held for fair share (one
    # message per user on the broker) exactly as an API submit would be. A video worker
    # left running by earlier tests may claim a published job (claims take `pending`)
    # before the tick records `queued`: `started` is published too.
    moved = {j.history[1]["state"] for j in jobs}
    assert moved & {"queued", "started"} and moved <= {"queued", "held", "started"}, moved
    for job in jobs:
        account.client.delete(f"/api/v1/tasks/{job.id}")


def test_a_fire_time_found_due_again_is_not_enqueued_twice(account: Account,
                                                           tick_worker: TickWorker) -> None:
    photos = upload_images(account, 1)
    schedule = create_schedule(account, {"source": "assets", "asset_ids": photos})
    fire_at = _at(schedule["next_fire_at"])
    assert tick_worker.tick(fire_at) == [{"enqueued": 1}]
    # As a write from a host whose clock runs behind could leave it: due again, same time.
    set_next_fire([schedule["id"]], fire_at)

    assert tick_worker.tick(fire_at, count=2) in ([{"duplicate": 1}, {}],
                                                  [{}, {"duplicate": 1}],
                                                  [{"duplicate": 1}, {"busy": 1}],
                                                  [{"busy": 1}, {"duplicate": 1}])

    [run] = runs_of([schedule["id"]])
    [job] = jobs_of(account.user_id)
    assert (run.fire_at, run.job_id) == (fire_at, job.id)
    after = account.client.get(f"/api/v1/schedules/{schedule['id']}").json()
    assert _at(after["next_fire_at"]) > fire_at
    account.client.delete(f"/api/v1/tasks/{job.id}")
