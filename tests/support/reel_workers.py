"""One worker on the content and social queues, for tests outside tests/workflows whose
batches run whole workflows (script, voice, render on the session `worker`, optimise)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.processes import CeleryWorker


@pytest.fixture(scope="module")
def reel_worker(tmp_root: Path, worker: CeleryWorker) -> Iterator[CeleryWorker]:
    """Content and social steps; the video steps go to the session `worker`. Stopped after
    its module: tests that follow count queued content and social work that nothing takes
    (tests/api/test_metrics.py, test_project_submits.py)."""
    with CeleryWorker.running(name="reels", queues="content,social", concurrency=2,
                              log_dir=tmp_root / "logs") as proc:
        yield proc
