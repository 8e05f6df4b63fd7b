"""The object store goes away while a render is under way: the upload fails, the job is
retried (a store outage is transient), succeeds once the store is back, and keeps one
result object; nothing of the failed attempt is left after cleanup."""

from __future__ import annotations

import os
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import create_engine, insert

from app.core.config import settings
from app.jobs.publish import publish_job
from app.models import Job
from app.services.maintenance import cleanup_temp_files
from tests.support.fixtures import Account
from tests.support.jobs import job_row
from tests.support.media import image_bytes
from tests.support.processes import CeleryWorker
from tests.support.proxy import Proxy
from tests.support.store import stored_keys

QUEUE = "video-outage"  # a queue of this test's own: no session worker takes the job
DEADLINE_S = 180.0


def _wait(job_id: uuid.UUID, ready: Any, what: str) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        row = job_row(job_id)
        if ready(row):
            return row
        time.sleep(0.05)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"job {job_id} never {what}: {row.state} {row.stage} {row.error}")


def _insert_render(account: Account, assets: list[str]) -> uuid.UUID:
    """A slideshow job committed and published as the API does, on this test's queue."""
    job_id, now = uuid.uuid4(), datetime.now(UTC)
    params = {"asset_ids": assets, "seconds_per_image": 2.0, "transition": "fade",
              "transition_s": 0.5, "resolution": "1080x1920", "fps": 30,
              "audio_asset_id": None}
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(Job).values(
            id=job_id, user_id=uuid.UUID(account.user_id), kind="video",
            task_name="video.render", queue=QUEUE, priority=5, state="queued", params=params,
            history=[{"state": "pending", "at": now.isoformat()}], progress=0.0, attempts=0,
            created_at=now, queued_at=now))
    engine.dispose()
    publish_job(job_id=job_id, task_name="video.render", queue=QUEUE, priority=5)
    return job_id


def test_store_outage_during_upload_is_retried(account: Account, tmp_root: Path) -> None:
    store = urlsplit(os.environ["S3_ENDPOINT_URL"])
    proxy = Proxy((store.hostname or "127.0.0.1", store.port or 80))
    worker = CeleryWorker.start(name="outage", queues=QUEUE, concurrency=1,
                                log_dir=tmp_root / "logs" / "outage",
                                env={"S3_ENDPOINT_URL": proxy.url, "S3_MAX_ATTEMPTS": "2",
                                     "S3_CONNECT_TIMEOUT_S": "1"})
    try:
        assets = [account.upload(image_bytes(c, (640, 480)), f"{i}.png", "image").json()["id"]
                  for i, c in enumerate([(200, 0, 0), (0, 200, 0), (0, 0, 200), (90, 90, 0)])]
        job_id = _insert_render(account, assets)
        # inputs are fetched before the render starts: the store goes away during it
        _wait(job_id, lambda r: r.stage == "rendering", "started rendering")
        proxy.cut()
        failed = _wait(job_id, lambda r: r.state in {"retrying", "failed", "dead"},
                       "saw the outage")
        assert failed.state == "retrying", failed.error
        assert failed.error["code"] == "transient_error"
        assert "StorageUnavailable" in failed.error["message"]
        proxy.restore()
        done = _wait(job_id, lambda r: r.state in {"succeeded", "failed", "dead"}, "ended")
    finally:
        proxy.cut()
        worker.stop()

    assert done.state == "succeeded", done.error
    assert done.attempts == 2
    prefix = f"results/{account.user_id}/{job_id}/"
    assert done.output_key == f"{prefix}a2/video.mp4"
    cleanup_temp_files(orphan_max_age_s=0)
    assert stored_keys(prefix) == {done.output_key}
    download = account.client.get(f"/api/v1/tasks/{job_id}/result", follow_redirects=True)
    assert download.status_code == 200 and download.content[4:8] == b"ftyp"
