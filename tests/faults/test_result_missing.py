"""A succeeded job whose stored file is gone answers 410 `result_gone` from the result
route and from its signed link, and the job row records it (`error.code`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine, insert

from app.core.config import settings
from app.models import Job
from tests.support.fixtures import Account
from tests.support.jobs import job_row
from tests.support.store import put_object


def _insert_succeeded(account: Account, output_key: str) -> uuid.UUID:
    job_id, now = uuid.uuid4(), datetime.now(UTC)
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(Job).values(
                id=job_id, user_id=uuid.UUID(account.user_id), kind="video",
                task_name="video.render", queue="video", priority=5, state="succeeded",
                params={}, history=[{"state": "succeeded", "at": now.isoformat()}],
                progress=1.0, attempts=1, created_at=now, finished_at=now,
                output_key=output_key.format(job=job_id)))
    finally:
        engine.dispose()
    return job_id


def test_missing_result_is_410_and_recorded(account: Account) -> None:
    job_id = _insert_succeeded(account, f"results/{account.user_id}/{{job}}/a1/video.mp4")
    answer = account.client.get(f"/api/v1/tasks/{job_id}/result")
    assert answer.status_code == 410, answer.text
    assert answer.json()["error"]["code"] == "result_gone"
    assert "no longer stored" in answer.json()["error"]["message"]
    error = job_row(job_id).error
    assert error is not None and error["code"] == "result_gone"
    assert account.client.get(f"/api/v1/tasks/{job_id}").json()["error"]["code"] == "result_gone"


def test_missing_result_by_signed_link_is_410_and_recorded(account: Account) -> None:
    job_id = _insert_succeeded(account, f"results/{account.user_id}/{{job}}/a1/video.mp4")
    link = account.client.get(f"/api/v1/tasks/{job_id}/result", params={"signed": "true"})
    assert link.status_code == 307, link.text
    answer = account.client.get(link.headers["location"], headers={"Authorization": ""})
    assert answer.status_code == 410, answer.text
    assert answer.json()["error"]["code"] == "result_gone"
    error = job_row(job_id).error
    assert error is not None and error["code"] == "result_gone"


def test_present_result_is_not_recorded(account: Account, tmp_path: Any) -> None:
    job_id = _insert_succeeded(account, f"results/{account.user_id}/{{job}}/a1/out.wav")
    put_object(job_row(job_id).output_key, b"RIFF", tmp_path)
    answer = account.client.get(f"/api/v1/tasks/{job_id}/result", params={"signed": "true"},
                                follow_redirects=True)
    assert answer.status_code == 200, answer.text
    assert job_row(job_id).error is None
