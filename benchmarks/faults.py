"""The fault battery with figures: real workers, Redis and PostgreSQL on loopback.

  1. canary jobs of mixed priority, 10 % failing transiently once, a pool process
     SIGKILLed every --child-kill-s and a whole worker every --worker-kill-s;
  2. the same with the (persisted, AOF) Redis killed once and restarted: time until
     workers consume again;
  3. the API killed during a burst of submits whose clients retry with Idempotency-Key;
  4. two beat processes at once for the whole run: each periodic slot runs once;
  5. renders whose pool process is SIGKILLed at a random point (benchmarks/recovery.py,
     --render-kills of them): the gap from the kill to the next attempt running.
Each reports submitted, succeeded, lost, executed more than once and double effects.
The security matrix, schemathesis and hostile-input scenarios are the tests in
tests/faults/ (run them with `pytest tests/faults`).

    python benchmarks/faults.py --jobs 2000
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.dev.embedded_redis import start_embedded_redis  # noqa: E402
from app.dev.services import ensure_database, with_database  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="reelforge-faults-"))
REDIS: dict[str, object] = {}
DRILL_ENV: dict[str, str] = {}  # what _configure exported for the drill
DATABASE = "reelforge_bench_faults"
FAST_RECOVERY = {"JOB_STALE_AFTER_S": "8", "QUEUED_REPUBLISH_S": "30",
                 "MAINTENANCE_INTERVAL_OVERRIDE_S": "5",
                 "SWEEPER_INTERVAL_S": "3", "SWEEPER_GRACE_S": "5"}


def _configure() -> object:
    """Fresh database, a persisted embedded Redis, exported before any settings load."""
    local = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    ensure_database(local, DATABASE, fresh=True)
    redis_server = start_embedded_redis(WORK / "redis")
    REDIS["server"] = redis_server
    DRILL_ENV.update({"DATABASE_URL": with_database(local, DATABASE),
                      "REDIS_URL": redis_server.url, "DATA_DIR": str(WORK / "data"),
                      # the canaries' effects go to a folder every process here shares
                      "STORAGE_BACKEND": "local", "STORAGE_DIR": str(WORK / "storage"),
                      "ENVIRONMENT": "test", **FAST_RECOVERY})
    os.environ.update(DRILL_ENV)
    from app.core.config import settings
    from app.core.migrate import upgrade_head
    from app.tasks.publish import install_celery_broker

    upgrade_head(settings.database.sync_url)
    install_celery_broker()  # canaries are published through the runtime, as the API does
    return redis_server


def scenario_workers(args: argparse.Namespace, user_id: str, kill_redis: bool) -> None:
    """Scenario 1 (and 2 with a Redis kill): jobs under worker and broker faults."""
    from tests.support.canary import insert_canary
    from tests.support.chaos import all_final, kill_a_child, kill_worker
    from tests.support.processes import CeleryWorker

    rng = random.Random(args.seed)
    logs = WORK / "logs"
    names = iter(range(10_000))

    def start() -> CeleryWorker:
        return CeleryWorker.start(name=f"w{next(names)}", queues="default", concurrency=2,
                                  log_dir=logs, env=FAST_RECOVERY)

    workers = [start(), start()]
    job_ids = [insert_canary(user_id, priority=rng.randint(0, 10),
                             fail_times=1 if i % 10 == 0 else 0,
                             sleep_s=round(rng.uniform(0.02, 0.2), 3))
               for i in range(args.jobs)]
    began = time.monotonic()
    next_child, next_worker = began + args.child_kill_s, began + args.worker_kill_s
    counts = {"children": 0, "workers": 0, "crash_restarts": 0}
    probe: uuid.UUID | None = None
    restarted_at = recovery_s = None
    while time.monotonic() - began < args.deadline_s:
        now = time.monotonic()
        for index, worker in enumerate(workers):
            if worker.proc.poll() is not None:  # what supervisord/Kubernetes would do
                workers[index] = start()
                counts["crash_restarts"] += 1
        if probe is not None and recovery_s is None and all_final([probe]):
            recovery_s = time.monotonic() - (restarted_at or now)
        if all_final(job_ids) and (probe is None or recovery_s is not None):
            break
        if now >= next_child:
            counts["children"] += kill_a_child(workers, rng)
            next_child = now + args.child_kill_s
        if now >= next_worker:
            kill_worker(workers[0])
            workers[0] = start()
            counts["workers"] += 1
            next_worker = now + args.worker_kill_s
        if kill_redis and restarted_at is None and now - began > 10:
            restarted_at = _restart_redis()
            probe = insert_canary(user_id, priority=10)
        time.sleep(0.5)  # chaos loop cadence
    from tests.support.chaos import tally

    result = tally(job_ids)
    elapsed = time.monotonic() - began
    for worker in workers:
        worker.stop()
    label = "2 (+ Redis killed and restarted)" if kill_redis else "1 (worker kills)"
    print(f"scenario {label}: {result.line()}; {elapsed:.0f} s; pool processes killed "
          f"{counts['children']}, whole workers killed {counts['workers']}, workers restarted "
          f"after crashing {counts['crash_restarts']}")
    if kill_redis:
        shown = f"{recovery_s:.1f} s" if recovery_s is not None else "not within the deadline"
        print(f"  time from the Redis restart until a new job ran to completion: {shown}")


def _restart_redis() -> float:
    """SIGKILL Redis, start it again on the same port and AOF; returns the restart time."""
    import signal

    server = REDIS["server"]
    os.kill(server.process.pid, signal.SIGKILL)  # type: ignore[attr-defined]
    server.process.wait()  # type: ignore[attr-defined]
    REDIS["server"] = start_embedded_redis(WORK / "redis",
                                           port=server.port)  # type: ignore[attr-defined]
    return time.monotonic()


def scenario_api_crash(args: argparse.Namespace) -> None:
    import httpx
    from tests.support.fixtures import promote_to_admin
    from tests.support.media import image_bytes
    from tests.support.processes import ApiServer

    from app.services.fleet.recovery import sweep_unpublished
    from app.tasks.publish import install_celery_broker

    install_celery_broker()  # the sweep below publishes from this process
    server = ApiServer.start(log_dir=WORK / "logs")
    client = httpx.Client(base_url=server.base_url, timeout=10)
    email, password = f"burst-{uuid.uuid4().hex[:8]}@example.com", uuid.uuid4().hex
    created = client.post("/api/v1/auth/register", json={"email": email, "password": password})
    created.raise_for_status()
    user = created.json()
    promote_to_admin(user["id"])  # admins are exempt from plan quotas
    token = client.post("/api/v1/auth/token", data={"username": email,
                                                    "password": password}).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    image = client.post("/api/v1/assets", headers=headers,
                        files={"file": ("a.png", image_bytes((1, 2, 3)))}).json()["id"]
    base = {"base": server.base_url}
    retries = {"count": 0}

    def submit(index: int) -> str:
        body = {"asset_ids": [image], "seconds_per_image": 0.5, "transition": "none",
                "resolution": "1080x1080"}
        key = {"Idempotency-Key": f"burst-{index}", **headers}
        while True:
            try:
                answer = httpx.post(f"{base['base']}/api/v1/tasks/submit/video", json=body,
                                    headers=key, timeout=10)
                if answer.status_code in (200, 202):
                    return str(answer.json()["id"])
            except httpx.HTTPError:
                pass
            retries["count"] += 1
            time.sleep(0.05)  # client back-off between retries

    with ThreadPoolExecutor(20) as pool:
        futures = [pool.submit(submit, i) for i in range(args.burst)]
        time.sleep(0.5)  # let the burst get going, then kill the API mid-flight
        server.proc.kill()
        server.proc.wait()
        server = ApiServer.start(log_dir=WORK / "logs")
        base["base"] = server.base_url
        ids = [f.result() for f in futures]
    server.stop()
    sweep_unpublished(grace_s=0)
    from sqlalchemy import create_engine, text

    from app.core.config import settings

    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        jobs = conn.execute(text("SELECT count(*) FROM jobs WHERE user_id = :u"),
                            {"u": user["id"]}).scalar_one()
        unpublished = conn.execute(text(
            "SELECT count(*) FROM jobs WHERE user_id = :u AND state = 'pending'"),
            {"u": user["id"]}).scalar_one()
    engine.dispose()
    print(f"scenario 3: API killed during {args.burst} submits: jobs {jobs}, distinct ids "
          f"{len(set(ids))}, duplicate jobs {jobs - args.burst}, jobs without a broker "
          f"message after the sweeper {unpublished}, client retries {retries['count']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2000)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--child-kill-s", type=float, default=15.0)
    parser.add_argument("--worker-kill-s", type=float, default=60.0)
    parser.add_argument("--deadline-s", type=float, default=1800.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--render-kills", type=int, default=5,
                        help="renders killed once each in scenario 5 (0: skip it)")
    parser.add_argument("--only-api-crash", action="store_true",
                        help="run scenario 3 alone (the keyed submit burst through an API kill)")
    args = parser.parse_args()
    _configure()
    if args.only_api_crash:
        try:
            scenario_api_crash(args)
        finally:
            REDIS["server"].stop()  # type: ignore[attr-defined]
            shutil.rmtree(WORK, ignore_errors=True)
        return
    from tests.ops.beat import CeleryBeat

    user_id = _make_user()
    beats = [CeleryBeat.start(name=f"b{i}", workdir=WORK / "beat", env=FAST_RECOVERY)
             for i in range(2)]
    try:
        scenario_workers(args, user_id, kill_redis=False)
        scenario_workers(args, user_id, kill_redis=True)
        scenario_api_crash(args)
    finally:
        for beat in beats:
            beat.stop()
        _report_beats()
        REDIS["server"].stop()  # type: ignore[attr-defined]
        shutil.rmtree(WORK, ignore_errors=True)
    if args.render_kills:
        scenario_render_kills(args)


def scenario_render_kills(args: argparse.Namespace) -> None:
    """Scenario 5: renders killed at a random point, on a platform of their own (the API, a
    video worker, rendered files) as benchmarks/recovery.py starts it."""
    import subprocess

    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "recovery.py"),
                           "--renders", str(args.render_kills), "--baseline-renders", "0",
                           "--seed", str(args.seed)], capture_output=True, text=True,
                          check=False, env=_platform_env())
    lines = [line for line in done.stdout.splitlines() if line.startswith("with leases")]
    shown = lines[-1] if lines else f"did not finish (exit {done.returncode}): " + (
        done.stderr.strip().splitlines() or ["no output"])[-1]
    print(f"scenario 5 (render pool processes killed): {shown}")


def _platform_env() -> dict[str, str]:
    """This process's environment without the drill's database, Redis and recovery windows:
    recovery.py brings up its own, with the production recovery settings."""
    return {k: v for k, v in os.environ.items() if k not in DRILL_ENV}


def _make_user() -> str:
    from sqlalchemy import create_engine, insert

    from app.core.config import settings
    from app.core.security import hash_password
    from app.models import User

    user_id = uuid.uuid4()
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(User).values(id=user_id, email=f"faults-{user_id.hex[:8]}@x.org",
                                         password_hash=hash_password("x" * 12), role="user",
                                         plan="pro", is_active=True))
    engine.dispose()
    return str(user_id)


def _report_beats() -> None:
    from sqlalchemy import create_engine, text

    from app.core.config import settings

    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT task, count(*) AS runs, count(DISTINCT slot) AS slots "
                                 "FROM maintenance_runs GROUP BY task")).all()
    engine.dispose()
    doubled = sum(r.runs - r.slots for r in rows)
    print(f"scenario 4: two beats for the whole run: periodic runs {sum(r.runs for r in rows)}"
          f", slots run more than once {doubled}")


if __name__ == "__main__":
    main()
