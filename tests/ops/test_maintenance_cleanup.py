"""Hourly cleanup: old temp folders and orphaned uploads go, everything in use stays."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import MaintenanceRun
from app.services.maintenance import cleanup_temp_files
from app.tasks.app import celery_app
from tests.ops.rows import add_asset, add_jobs, job, make_user
from tests.support.processes import CeleryWorker

DAY_S = 86400
RUN_DEADLINE_S = 30.0


def touch(path: Path, *, age_s: float, size: int = 10) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    when = time.time() - age_s
    os.utime(path, (when, when))
    os.utime(path.parent, (when, when))
    return path


def test_cleanup_removes_old_temp_folders_and_orphans_only() -> None:
    user = make_user()
    running = job(user, created=datetime.now(UTC), state="started", run_s=None)
    add_jobs([running])
    tmp, storage = settings.temp_dir, settings.storage_dir
    old_render = touch(tmp / f"render-{uuid.uuid4()}" / "video.mp4", age_s=2 * DAY_S).parent
    live_render = touch(tmp / f"render-{running['id']}" / "video.mp4", age_s=2 * DAY_S).parent
    old_upload = touch(tmp / f"upload-{uuid.uuid4().hex}" / "upload", age_s=2 * DAY_S).parent
    fresh_render = touch(tmp / f"render-{uuid.uuid4()}" / "video.mp4", age_s=60).parent
    other = touch(tmp / f"keep-{uuid.uuid4().hex}" / "x", age_s=2 * DAY_S).parent
    orphan = touch(storage / "assets" / str(user) / f"{uuid.uuid4()}.jpg", age_s=2 * DAY_S,
                   size=1000)
    leftover = touch(storage / "assets" / str(user) / f".{uuid.uuid4()}.jpg.abc.part",
                     age_s=2 * DAY_S)
    fresh_orphan = touch(storage / "assets" / str(user) / f"{uuid.uuid4()}.jpg", age_s=60)
    kept_key = f"assets/{user}/{uuid.uuid4()}.jpg"
    kept = touch(storage / kept_key, age_s=2 * DAY_S)
    add_asset(user, key=kept_key, size=10, created=datetime.now(UTC))

    result = cleanup_temp_files()

    assert not old_render.exists() and not old_upload.exists()
    assert live_render.exists(), "a running job keeps its render folder"
    assert fresh_render.exists() and other.exists()
    assert not orphan.exists() and not leftover.exists()
    assert fresh_orphan.exists() and kept.exists()
    assert result["temp_removed"] >= 2 and result["orphans_removed"] >= 2
    assert result["bytes_freed"] >= 1000 + 10 + 10 + 10
    again = cleanup_temp_files()  # idempotent: nothing left to remove
    assert (again["temp_removed"], again["orphans_removed"]) == (0, 0)


def wait_run(task: str, slot: datetime) -> MaintenanceRun:
    engine = create_engine(settings.sync_database_url)
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
    old_upload = touch(settings.temp_dir / f"upload-{uuid.uuid4().hex}" / "upload",
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
