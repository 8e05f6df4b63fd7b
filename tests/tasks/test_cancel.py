"""Cancelling: a queued job never runs; a running render is really stopped."""

from __future__ import annotations

import contextlib
import time

import psutil

from app.core.config import settings
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import CeleryWorker
from tests.support.store import stored_keys

DEADLINE_S = 30.0


def _ffmpeg_children(worker: CeleryWorker) -> list[psutil.Process]:
    try:
        children = psutil.Process(worker.proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in children if "ffmpeg" in (p.name() or "")]


def _nice_levels(worker: CeleryWorker) -> set[int]:
    """The nice levels of the worker's running encoders: its ffmpeg processes that run a
    graph (reporting `-progress`), not a library's one-off `ffmpeg -version`. One that ends
    between the listing and the reading is skipped."""
    levels = set()
    for process in _ffmpeg_children(worker):
        with contextlib.suppress(psutil.NoSuchProcess):
            if "-progress" in process.cmdline():
                levels.add(process.nice())
    return levels


def test_cancel_running_render_kills_ffmpeg(account: Account, worker: CeleryWorker) -> None:
    images = upload_images(account, 4, (1920, 1080))
    job = submit(account, images, seconds_per_image=20.0, transition="fade",
                 transition_s=1.0, resolution="1080x1920", fps=30, priority=10)
    account.wait_job(job["id"], until={"progress"})
    end = time.monotonic() + DEADLINE_S
    # renders run below the API's CPU priority (RENDER_NICE). The render's segments run
    # one after another, so an encoder is caught running and its level read in one pass
    levels = _nice_levels(worker)
    while not levels and time.monotonic() < end:
        time.sleep(0.05)  # polling interval of a bounded wait for the encoder to appear
        levels = _nice_levels(worker)
    assert levels == {settings.render.RENDER_NICE}, "a niced ffmpeg should be running"

    cancelled = account.client.delete(f"/api/v1/tasks/{job['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    while _ffmpeg_children(worker) and time.monotonic() < end:
        time.sleep(0.05)  # polling interval of a bounded wait for the kill
    assert not _ffmpeg_children(worker)

    final = account.client.get(f"/api/v1/tasks/{job['id']}").json()
    assert final["state"] == "cancelled" and final["result"] is None
    assert not stored_keys(f"results/{account.user_id}/{job['id']}/")
    # the worker removes it as the render unwinds, just after its encoder exits
    while list(worker.temp_dir.glob(f"render-{job['id']}-*")) and time.monotonic() < end:
        time.sleep(0.05)  # polling interval of a bounded wait for the clean-up
    assert not list(worker.temp_dir.glob(f"render-{job['id']}-*")), "its private folder goes"
    again = account.client.delete(f"/api/v1/tasks/{job['id']}")
    assert again.status_code == 409


def test_cancelled_queued_job_never_starts(account: Account, worker: CeleryWorker) -> None:
    images = upload_images(account, 1)
    blocker = submit(account, images, seconds_per_image=4.0, priority=10)
    queued = submit(account, images, seconds_per_image=0.5, priority=0)
    assert account.client.delete(f"/api/v1/tasks/{queued['id']}").status_code == 200
    account.wait_job(blocker["id"])
    after = submit(account, images, seconds_per_image=0.5, priority=0)
    account.wait_job(after["id"])  # the worker has drained past the cancelled message
    final = account.client.get(f"/api/v1/tasks/{queued['id']}").json()
    assert final["state"] == "cancelled" and final["started_at"] is None
    assert "started" not in [h["state"] for h in final["history"]]
