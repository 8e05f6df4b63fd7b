"""Shared items in renders, usage records, and retirement: refused for new work, a queued
job fails naming the item, finished results stay, the answer lists what it went into."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from app.core.config import settings
from app.jobs.names import TaskName, queue_for
from app.jobs.publish import publish_job
from app.models import AssetUsage, Job
from tests.api.library_support import add_shared, search
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.library_media import click_track
from tests.support.processes import CeleryWorker


def _record_usage(asset_id: str, user_id: str, job_id: str | None, output_key: str) -> None:
    """A usage row as a finished render writes it (kept if the render wrote it already)."""
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(pg_insert(AssetUsage).values(
            id=uuid.uuid4(), asset_id=asset_id, user_id=user_id, job_id=job_id,
            role="music", output_key=output_key, created_at=datetime.now(UTC),
        ).on_conflict_do_nothing())
    engine.dispose()


def _output_key(job_id: str) -> str:
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        key: str = conn.execute(select(Job.output_key).where(Job.id == job_id)).scalar_one()
    engine.dispose()
    return key


def _pending_copy(job_id: str) -> str:
    """A second job with the same stored parameters, committed but not yet on the broker:
    a job that was queued before the item was retired."""
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        row = conn.execute(select(Job.__table__).where(Job.id == job_id)).one()
        copy = uuid.uuid4()
        conn.execute(insert(Job).values(
            id=copy, user_id=row.user_id, kind=row.kind, task_name=row.task_name,
            queue=row.queue, priority=row.priority, state="pending", params=row.params,
            history=[{"state": "pending", "at": datetime.now(UTC).isoformat()}],
            progress=0.0, attempts=0, created_at=datetime.now(UTC)))
    engine.dispose()
    return str(copy)


def test_shared_music_renders_then_retirement(
        make_account: Callable[..., Account], admin_account: Account, worker: CeleryWorker,
        tmp_path: Path) -> None:
    owner, other = make_account(), make_account()
    track = click_track(tmp_path / "beat.m4a", bpm=100.0, seconds=4.0, fmt="m4a")
    item = add_shared(admin_account, track, title="Beat for retirement",
                      tags=f"retire-{uuid.uuid4().hex[:8]}", licence="CC-BY-4.0",
                      attribution="Beat by Test Composer")
    music = item["id"]

    # any user renders with a shared item
    images = upload_images(owner, 2)
    job = owner.wait_job(submit(owner, images, audio_asset_id=music)["id"])
    assert job["state"] == "succeeded", job
    _record_usage(music, owner.user_id, job["id"], _output_key(job["id"]))
    _record_usage(music, other.user_id, None, f"results/{other.user_id}/{uuid.uuid4()}/a1/v.mp4")

    # usage: an ordinary user sees their own, an admin everyone's
    mine = owner.client.get(f"/api/v1/library/{music}/usage").json()["items"]
    assert [u["job_id"] for u in mine] == [job["id"]]
    theirs = other.client.get(f"/api/v1/library/{music}/usage").json()["items"]
    assert [u["user_id"] for u in theirs] == [other.user_id]
    everyone = admin_account.client.get(f"/api/v1/library/{music}/usage").json()["items"]
    assert {u["user_id"] for u in everyone} == {owner.user_id, other.user_id}

    queued = _pending_copy(job["id"])
    retired = admin_account.client.post(f"/api/v1/admin/library/{music}/retire",
                                        json={"reason": "licence ended 2026-12-31"})
    assert retired.status_code == 200, retired.text
    answer: dict[str, Any] = retired.json()
    assert answer["item"]["retired_at"] and answer["item"]["retired_reason"].startswith("lic")
    assert {u["user_id"] for u in answer["affected"]} == {owner.user_id, other.user_id}
    assert job["id"] in {u["job_id"] for u in answer["affected"]}
    assert all(u["output_key"] for u in answer["affected"])
    assert set(answer["affected_users"]) == {owner.user_id, other.user_id}
    assert answer["affected_total"] == 2
    again = admin_account.client.post(f"/api/v1/admin/library/{music}/retire",
                                      json={"reason": "another reason"}).json()
    assert again["item"]["retired_at"] == answer["item"]["retired_at"]

    # the job queued before the retirement fails when it fetches its inputs, naming the item
    publish_job(job_id=uuid.UUID(queued), task_name=TaskName.VIDEO_RENDER.value,
                queue=queue_for(TaskName.VIDEO_RENDER).value, priority=5)
    failed = owner.wait_job(queued)
    assert failed["state"] == "failed", failed
    assert failed["error"]["code"] == "asset_retired" and music in failed["error"]["message"]

    # new work naming it is refused, naming the field, on the batched and the keyed path
    body = {"asset_ids": images, "transition": "none", "resolution": "1080x1080", "fps": 24,
            "audio_asset_id": music}
    for headers in ({}, {"Idempotency-Key": uuid.uuid4().hex}):
        refused = owner.client.post("/api/v1/tasks/submit/video", json=body, headers=headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["error"]["code"] == "asset_retired"
        assert refused.json()["error"]["field"] == "audio_asset_id"

    # the finished result is untouched
    result = owner.client.get(f"/api/v1/tasks/{job['id']}/result", follow_redirects=True)
    assert result.status_code == 200 and len(result.content) > 1000

    # hidden from search, shown to admins who ask; still readable by id
    assert music not in search(owner, kind="music", scope="shared")
    assert music in search(admin_account, kind="music", scope="shared", include_retired=True)
    assert owner.client.get(f"/api/v1/library/{music}").json()["retired_at"]
