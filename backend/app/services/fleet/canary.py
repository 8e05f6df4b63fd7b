"""The canary job: a cheap, observable unit of work for health checks and fault drills.

It can fail transiently a given number of times, sleep (heart-beating) for a while, and
applies one side effect under a job-scoped storage key, so repeats are visible and harmless.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Any

from app.jobs.policy import TransientError
from app.jobs.runtime import JobRun, worker_redis
from app.storage import get_storage

EXECUTIONS = "canary:executions"  # hash job_id -> how many times the body ran
EFFECTS = "canary:effects"  # hash job_id -> how many times the effect was newly applied


def run_canary(run: JobRun) -> dict[str, Any]:
    """Count the execution, fail transiently while asked to, sleep, apply the effect once."""
    client = worker_redis()
    executions = int(client.hincrby(EXECUTIONS, str(run.job_id), 1))
    if run.attempt <= int(run.params.get("fail_times", 0)):
        raise TransientError(f"canary failing on attempt {run.attempt} as asked")
    sleep_s = float(run.params.get("sleep_s", 0.0))
    deadline = time.monotonic() + sleep_s
    while (left := deadline - time.monotonic()) > 0:
        run.progress(1 - left / sleep_s, "sleeping")
        if run.should_cancel():
            break
        time.sleep(min(left, 0.1))  # the canary's work is waiting; cancel checked between
    key = f"canary/{run.job_id}.json"
    storage = get_storage()
    if not storage.exists(key):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump({"job_id": str(run.job_id), "attempt": run.attempt}, handle)
        storage.put_file(key, Path(handle.name))
        Path(handle.name).unlink(missing_ok=True)
        client.hincrby(EFFECTS, str(run.job_id), 1)
    return {"executions": executions, "effect_key": key}
