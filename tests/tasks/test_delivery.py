"""Delivery guarantees: a redelivered message runs once; the sweeper finds lost publishes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert

from app.core.config import settings
from app.jobs.publish import publish_job
from app.models import Job
from app.services.fleet.recovery import sweep_unpublished
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import CeleryWorker


def test_duplicate_message_runs_the_job_once(account: Account, worker: CeleryWorker) -> None:
    images = upload_images(account, 1)
    job = submit(account, images, seconds_per_image=1.0, priority=9)
    for _ in range(2):  # the same message delivered twice more
        publish_job(job_id=uuid.UUID(job["id"]), task_name="video.render", queue="video",
                    priority=9)
    done = account.wait_job(job["id"])
    assert done["state"] == "succeeded"
    assert done["attempts"] == 1
    assert [h["state"] for h in done["history"]].count("started") == 1


def test_sweeper_publishes_a_job_that_never_reached_the_broker(account: Account,
                                                               worker: CeleryWorker) -> None:
    images = upload_images(account, 1)
    job_id = uuid.uuid4()
    created = datetime.now(UTC) - timedelta(minutes=5)
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:  # what a crash between commit and publish leaves behind
        conn.execute(insert(Job).values(
            id=job_id, user_id=uuid.UUID(account.user_id), kind="video",
            task_name="video.render", queue="video", priority=5, state="pending",
            params={"asset_ids": images, "seconds_per_image": 1.0, "transition": "none",
                    "transition_s": 0.0, "resolution": "1080x1080", "fps": 24,
                    "audio_asset_id": None},
            history=[{"state": "pending", "at": created.isoformat()}], progress=0.0,
            attempts=0, created_at=created))
    engine.dispose()
    assert account.client.get(f"/api/v1/tasks/{job_id}").json()["state"] == "pending"

    assert sweep_unpublished() >= 1
    assert sweep_unpublished() == 0  # nothing left to sweep; a second run sends nothing
    done = account.wait_job(str(job_id))
    assert done["state"] == "succeeded"
    assert [h.get("by") for h in done["history"] if h["state"] == "queued"] == ["sweeper"]


def test_recent_pending_jobs_are_left_to_the_api(account: Account) -> None:
    assert sweep_unpublished(grace_s=3600) == 0
