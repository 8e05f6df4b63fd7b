"""Hourly cleanup: old temp folders and orphaned uploads go, everything in use stays."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select, update

from app.core.config import settings
from app.models import MaintenanceRun, User
from app.services.maintenance import cleanup_temp_files
from app.storage import get_storage
from app.tasks.app import celery_app
from tests.ops.rows import add_asset, add_jobs, job, make_user
from tests.support.processes import CeleryWorker
from tests.support.store import stored_keys

DAY_S = 86400
RUN_DEADLINE_S = 30.0


def touch(path: Path, *, age_s: float, size: int = 10) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    when = time.time() - age_s
    os.utime(path, (when, when))
    os.utime(path.parent, (when, when))
    return path


def put(key: str, tmp: Path, size: int = 10) -> str:
    source = tmp / "object"
    source.write_bytes(b"x" * size)
    get_storage().put_file(key, source)
    return key


def test_cleanup_removes_old_temp_folders_and_orphans_only(tmp_path: Path) -> None:
    user = make_user()
    running = job(user, created=datetime.now(UTC), state="started", run_s=None)
    add_jobs([running])
    tmp = settings.app.temp_dir
    old_render = touch(tmp / f"render-{uuid.uuid4()}-x1" / "video.mp4", age_s=2 * DAY_S).parent
    old_reel = touch(tmp / f"reel-{uuid.uuid4()}-x2" / "reel.mp4", age_s=2 * DAY_S).parent
    live_render = touch(tmp / f"render-{running['id']}-x3" / "video.mp4",
                        age_s=2 * DAY_S).parent
    old_upload = touch(tmp / f"upload-{uuid.uuid4().hex}" / "upload", age_s=2 * DAY_S).parent
    fresh_render = touch(tmp / f"render-{uuid.uuid4()}-x4" / "video.mp4", age_s=60).parent
    other = touch(tmp / f"keep-{uuid.uuid4().hex}" / "x", age_s=2 * DAY_S).parent
    orphan = put(f"assets/{user}/{uuid.uuid4()}.jpg", tmp_path, size=1000)
    kept = put(f"assets/{user}/{uuid.uuid4()}.jpg", tmp_path)
    add_asset(user, key=kept, size=10, created=datetime.now(UTC))

    # the objects were stored just now: at today's clock they are too young to be orphans
    young = cleanup_temp_files()
    assert young["orphans_removed"] == 0 and orphan in stored_keys(f"assets/{user}/")
    assert not old_render.exists() and not old_reel.exists() and not old_upload.exists()
    assert live_render.exists(), "a running job keeps its folder"
    assert fresh_render.exists() and other.exists()
    assert young["temp_removed"] >= 3

    later = datetime.now(UTC) + timedelta(days=2)
    result = cleanup_temp_files(now=later, temp_max_age_s=3 * DAY_S)
    assert stored_keys(f"assets/{user}/") == {kept}
    assert result["orphans_removed"] == 1 and result["bytes_freed"] >= 1000
    again = cleanup_temp_files(now=later, temp_max_age_s=3 * DAY_S)  # idempotent
    assert (again["temp_removed"], again["orphans_removed"]) == (0, 0)


def test_cleanup_keeps_the_winning_attempt_and_expires_by_plan(tmp_path: Path) -> None:
    user = make_user()  # plan "free": results kept 7 days
    now = datetime.now(UTC)
    done = job(user, created=now - timedelta(days=1))
    done["output_key"] = f"results/{user}/{done['id']}/a2/video.mp4"
    old = job(user, created=now - timedelta(days=9))
    old["output_key"] = f"results/{user}/{old['id']}/a1/video.mp4"
    open_job = job(user, created=now, state="started", run_s=None)
    open_job["output_key"] = None
    add_jobs([done, old, open_job])
    winner = put(done["output_key"], tmp_path)
    caption = put(f"results/{user}/{done['id']}/a2/caption.txt", tmp_path)
    loser = put(f"results/{user}/{done['id']}/a1/video.mp4", tmp_path, size=500)
    expired = put(old["output_key"], tmp_path)
    uploading = put(f"results/{user}/{open_job['id']}/a1/video.mp4", tmp_path)
    gone = put(f"results/{user}/{uuid.uuid4()}/a1/video.mp4", tmp_path)

    result = cleanup_temp_files(now=now + timedelta(days=2))

    assert stored_keys(f"results/{user}/") == {winner, caption, uploading}
    assert {loser, expired, gone}.isdisjoint(stored_keys("results/"))
    assert (result["result_orphans_removed"], result["results_expired"]) == (2, 1)


def wait_run(task: str, slot: datetime) -> MaintenanceRun:
    engine = create_engine(settings.database.sync_url)
    deadline = time.monotonic() + RUN_DEADLINE_S
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                row = conn.execute(select(MaintenanceRun.__table__).where(
                    MaintenanceRun.task == task, MaintenanceRun.slot == slot)).first()
            if row is not None and row.state != "running" and row.duplicates >= 1:
                return row  # type: ignore[return-value]
            time.sleep(0.1)  # polling interval of a bounded wait on the system of record
    finally:
        engine.dispose()
    raise AssertionError(f"{task} for {slot} did not finish with a duplicate in time")


def test_cleanup_runs_through_a_worker_once_per_slot(default_worker: CeleryWorker) -> None:
    old_upload = touch(default_worker.temp_dir / f"upload-{uuid.uuid4().hex}" / "upload",
                       age_s=2 * DAY_S).parent
    slot = datetime(2001, 1, 1, tzinfo=UTC).replace(microsecond=uuid.uuid4().int % 10**6)
    for _ in range(2):  # the same slot sent twice, as two beat processes would
        celery_app.send_task("maintenance.cleanup_temp_files",
                             kwargs={"slot": slot.isoformat()}, queue="default")

    run = wait_run("maintenance.cleanup_temp_files", slot)

    assert (run.state, run.attempts, run.duplicates) == ("succeeded", 1, 1)
    assert run.result is not None and run.result["temp_removed"] >= 1
    assert run.worker == default_worker.hostname
    assert not old_upload.exists()


def test_a_plan_missing_from_the_catalogue_gets_the_free_retention(tmp_path: Path) -> None:
    """Quotas read an unknown plan as "free"; retention read it as "keep for ever"."""
    user = make_user()
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user).values(plan="retired-2025"))
    engine.dispose()
    now = datetime.now(UTC)
    old = job(user, created=now - timedelta(days=30))
    old["output_key"] = put(f"results/{user}/{old['id']}/a1/video.mp4", tmp_path)
    add_jobs([old])
    result = cleanup_temp_files(now=now)
    assert not stored_keys(f"results/{user}/")
    assert result["results_expired"] >= 1


def test_cached_segments_are_kept_for_the_cache_retention(tmp_path: Path) -> None:
    user = make_user()
    segment = put(f"cache/segments/{user}/{uuid.uuid4().hex}.mp4", tmp_path, size=700)
    days = settings.render.SEGMENT_CACHE_DAYS
    cleanup_temp_files(now=datetime.now(UTC) + timedelta(days=days - 1))
    assert segment in stored_keys(f"cache/segments/{user}/")
    after = cleanup_temp_files(now=datetime.now(UTC) + timedelta(days=days, hours=1))
    assert after["segments_expired"] >= 1 and after["bytes_freed"] >= 700
    assert segment not in stored_keys(f"cache/segments/{user}/")
