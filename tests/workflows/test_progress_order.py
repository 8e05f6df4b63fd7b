"""Parallel steps publish a workflow's progress in order: on real Redis, threads offering
their own snapshots never leave an event in the user's stream below an earlier one."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from app.jobs.runtime import worker_redis
from app.realtime import bus
from app.services.workflows.runtime import publish_progress

STEPS = 4
EMITS = 150


def _event(progress: float) -> dict[str, Any]:
    return {"type": "workflow.progress", "progress": progress}


def test_parallel_steps_never_publish_progress_backwards() -> None:
    client = worker_redis()
    user_id, workflow_id = uuid.uuid4(), uuid.uuid4()
    start = threading.Barrier(STEPS)

    def step(index: int) -> None:
        start.wait()
        for n in range(EMITS):
            # each step's snapshot lags the others': offers interleave across steps
            offered = (n * STEPS + index) / (EMITS * STEPS)
            publish_progress(client, user_id, workflow_id, offered,
                             _event)

    threads = [threading.Thread(target=step, args=(i,)) for i in range(STEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        rows = client.xrange(bus.user_stream(user_id))
        published = [json.loads(fields[b"d"])["progress"] for _, fields in rows]
        assert len(published) == STEPS * EMITS
        assert published == sorted(published)
        assert published[-1] == round((EMITS * STEPS - 1) / (EMITS * STEPS), 4)
    finally:
        client.delete(bus.user_stream(user_id), f"workflow:{workflow_id}:progress")
