"""A stale attempt never deletes its successor's result: attempt 1 is frozen mid-render,
attempt 2 takes the job over and succeeds, then attempt 1 wakes up and finishes late. Its
finish loses; the result of attempt 2 stays stored and downloadable."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import psutil

from app.jobs.publish import publish_job
from tests.faults.test_store_outage import QUEUE, _insert_render, _wait
from tests.support.fixtures import Account
from tests.support.jobs import job_row
from tests.support.media import image_bytes
from tests.support.processes import CeleryWorker
from tests.support.store import stored_keys

# Stale after 4 s here (production: JOB_STALE_AFTER_S = 60), so the takeover fits a test.
FAST_STALE = {"JOB_STALE_AFTER_S": "4"}
DEADLINE_S = 180.0


def _signal_tree(worker: CeleryWorker, signum: int) -> None:
    """Every process of the worker (ffmpeg included, which runs in a group of its own)."""
    root = psutil.Process(worker.proc.pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            process.send_signal(signum)
        except psutil.NoSuchProcess:
            pass


def _late_end_logged(worker: CeleryWorker) -> bool:
    """The frozen worker ran this job only: its task ended, having lost the job."""
    return any("video.render[" in line and "'cancelled'" in line
               for line in worker.log.read_text().splitlines())


def test_late_attempt_keeps_successors_result(account: Account, tmp_root: Path) -> None:
    logs = tmp_root / "logs" / "stale"
    assets = [account.upload(image_bytes(c, (640, 480)), f"{i}.png", "image").json()["id"]
              for i, c in enumerate([(200, 0, 0), (0, 200, 0), (0, 0, 200), (90, 90, 0)])]
    first = CeleryWorker.start(name="stale-a", queues=QUEUE, concurrency=1, log_dir=logs,
                               env=FAST_STALE)
    second: CeleryWorker | None = None
    try:
        job_id = _insert_render(account, assets)
        _wait(job_id, lambda r: r.stage == "rendering" and r.attempts == 1, "started")
        _signal_tree(first, signal.SIGSTOP)  # attempt 1 stops heart-beating mid-render
        second = CeleryWorker.start(name="stale-b", queues=QUEUE, concurrency=1,
                                    log_dir=logs, env=FAST_STALE)
        # the message is still held by the frozen worker: deliver it again, as the broker
        # does once the visibility timeout passes
        publish_job(job_id=job_id, task_name="video.render", queue=QUEUE, priority=5)
        done = _wait(job_id, lambda r: r.state in {"succeeded", "failed", "dead"}, "ended")
        assert done.state == "succeeded" and done.attempts == 2, done.error
        _signal_tree(first, signal.SIGCONT)  # attempt 1 finishes late, and loses
        end = time.monotonic() + DEADLINE_S
        while not _late_end_logged(first):
            assert time.monotonic() < end, first.log.read_text()[-3000:]
            time.sleep(0.2)  # polling interval of a bounded wait on the worker's log
    finally:
        _signal_tree(first, signal.SIGCONT)
        first.stop()
        if second is not None:
            second.stop()

    row: Any = job_row(job_id)
    prefix = f"results/{account.user_id}/{job_id}/"
    assert row.state == "succeeded" and row.output_key == f"{prefix}a2/video.mp4"
    assert row.output_key in stored_keys(prefix)
    download = account.client.get(f"/api/v1/tasks/{job_id}/result", follow_redirects=True)
    assert download.status_code == 200 and download.content[4:8] == b"ftyp"
