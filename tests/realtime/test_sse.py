"""Server-sent events for one job: snapshot, then its events until final, resumable."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import CeleryWorker

SSE_DEADLINE_S = 120.0


def _read_sse(account: Account, job_id: str, last_id: str | None = None
              ) -> list[tuple[str | None, str, dict[str, Any]]]:
    headers = {"Last-Event-ID": last_id} if last_id else {}
    frames: list[tuple[str | None, str, dict[str, Any]]] = []
    with account.client.stream("GET", f"/api/v1/tasks/{job_id}/events", headers=headers,
                               timeout=httpx.Timeout(60.0)) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        event_id, name = None, ""
        deadline = time.monotonic() + SSE_DEADLINE_S
        for line in response.iter_lines():
            # keepalives arrive every 15 s, so a stalled job still reaches this check
            assert time.monotonic() < deadline, f"no final event after {SSE_DEADLINE_S} s"
            if line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                frames.append((event_id, name, json.loads(line[6:])))
                event_id = None
    return frames


def test_sse_follows_a_job_to_the_end_and_resumes(account: Account,
                                                  worker: CeleryWorker) -> None:
    images = upload_images(account, 2)
    job = submit(account, images, seconds_per_image=1.5, priority=8)
    live = _read_sse(account, job["id"])
    assert live[0][1] == "snapshot" and live[0][2]["id"] == job["id"]
    names = [name for _, name, _ in live[1:]]
    assert names[-1] == "job.succeeded"
    assert all(data["job_id"] == job["id"] for _, _, data in live[1:])

    middle = live[2][0]
    assert middle is not None
    resumed = _read_sse(account, job["id"], last_id=middle)
    assert [f[0] for f in resumed[1:]] == [f[0] for f in live[3:]]


def test_sse_for_another_users_job_is_404(make_account) -> None:  # type: ignore[no-untyped-def]
    owner, other = make_account(), make_account()
    images = upload_images(owner, 1)
    job = submit(owner, images, seconds_per_image=0.5)
    assert other.client.get(f"/api/v1/tasks/{job['id']}/events").status_code == 404


def test_malformed_last_event_id_is_422(account: Account) -> None:
    job = submit(account, upload_images(account, 1), seconds_per_image=0.5)
    answer = account.client.get(f"/api/v1/tasks/{job['id']}/events",
                                headers={"Last-Event-ID": "null"})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "Last-Event-ID"
