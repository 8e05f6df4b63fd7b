"""supervisord.conf, run for real against the test session's PostgreSQL and Redis: every
program runs, workers consume their groups' queues, Flower asks for basic auth, a worker
stops warm, and nothing is left behind after a shutdown."""

from __future__ import annotations

import shlex
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy import create_engine, select

from app.core.config import settings
from app.jobs.names import WORKER_GROUPS
from app.models import Job
from tests.deploy.supervised import (
    BIN,
    CONF,
    Supervised,
    alive,
    parsed_config,
    program_names,
    supervisord_env,
    wait_until,
)
from tests.ops.rows import make_user
from tests.support.canary import canary_counts, insert_canary

START_DEADLINE_S = 150.0  # seven programs importing the app on two cores
JOB_DEADLINE_S = 60.0


def api_healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    # a short base path: the control socket's path must stay under 108 bytes
    env = supervisord_env(tmp_path_factory.mktemp("sv"))
    sup = Supervised.start(env)
    try:
        # the gpu worker is off by default (no NVENC here); it still has to start cleanly
        wait_until(lambda: "worker-gpu" in sup.states() or sup.proc.poll() is not None,
                   START_DEADLINE_S, "supervisord answers on its socket", sup.logs)
        sup.ctl("start", "worker-gpu")
        wanted = set(program_names())
        wait_until(lambda: sup.proc.poll() is not None or (
            api_healthy(sup.api_url) and set(sup.states().items()) >= {
                (name, "RUNNING") for name in wanted}),
            START_DEADLINE_S, "every program RUNNING and /health 200",
            lambda: f"{sup.states()}\n{sup.logs()}")
        assert sup.proc.poll() is None, sup.logs()
        yield sup
    finally:
        if sup.proc.poll() is None:
            sup.kill_everything()


def test_every_program_runs_and_the_api_is_healthy(supervised: Supervised) -> None:
    states = supervised.states()
    assert set(states) == {f"worker-{g}" for g in WORKER_GROUPS} | {"api", "beat", "flower"}
    assert set(states.values()) == {"RUNNING"}
    assert httpx.get(f"{supervised.api_url}/health").json()["status"] == "ok"


def test_each_worker_consumes_its_groups_queues_under_its_hostname(
        supervised: Supervised) -> None:
    from app.tasks.app import celery_app

    host = socket.gethostname()
    expected = {f"{group}@{host}": {q.value for q in queues}
                for group, queues in WORKER_GROUPS.items()}
    def all_answer() -> bool:
        replies = celery_app.control.ping(destination=list(expected), timeout=2.0)
        return {name for reply in replies for name in reply} == set(expected)

    # a broadcast can go unanswered while the remote-control channel settles: ask again
    wait_until(all_answer, START_DEADLINE_S, "every worker answers a ping")
    replies = celery_app.control.inspect(destination=list(expected),
                                         timeout=5.0).active_queues() or {}
    assert {name: {q["name"] for q in queues} for name, queues in replies.items()} == expected


def test_flower_asks_for_basic_auth_on_its_pages_and_its_api(supervised: Supervised) -> None:
    for path in ("/", "/api/workers"):
        url = supervised.flower_url + path
        assert httpx.get(url).status_code == 401, path
        assert httpx.get(url, auth=("ops", "not-the-password")).status_code == 401, path
        assert httpx.get(url, auth=supervised.flower_auth, timeout=30.0).status_code == 200, path


def test_flower_refuses_a_short_password() -> None:
    [command] = [parsed_config().get("program:flower", "command")]
    argv = shlex.split(command)
    assert argv[:2] == ["/bin/sh", "-c"]
    done = subprocess.run(argv, env={"PATH": "/usr/bin:/bin", "FLOWER_USER": "ops",
                                     "FLOWER_PASSWORD": "short"},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 78 and "12 characters" in done.stderr


def test_a_worker_stopped_mid_job_finishes_the_job_first(supervised: Supervised) -> None:
    job_id = insert_canary(str(make_user()), sleep_s=4.0)
    engine = create_engine(settings.database.sync_url)

    def state() -> str:
        with engine.connect() as conn:
            return str(conn.execute(select(Job.state).where(Job.id == job_id)).scalar_one())

    try:
        wait_until(lambda: state() in ("started", "progress"), JOB_DEADLINE_S,
                   f"job {job_id} running")
        # SIGTERM to Celery's main process only: warm shutdown waits for the running job
        assert "stopped" in supervised.ctl("stop", "worker-default")
        assert state() == "succeeded"
        assert canary_counts(job_id) == (1, 1)
    finally:
        engine.dispose()
        supervised.ctl("start", "worker-default")
    assert supervised.states()["worker-default"] == "RUNNING"


def test_shutdown_stops_every_process_it_started(supervised: Supervised) -> None:
    children = supervised.descendants()
    assert len(children) >= len(program_names())
    assert "Shut down" in supervised.ctl("shutdown")
    assert supervised.proc.wait(timeout=150) == 0
    psutil.wait_procs(children, timeout=10)
    assert alive(children) == []


def test_supervisord_refuses_to_start_without_a_setting(tmp_path: Path) -> None:
    env = supervisord_env(tmp_path)
    del env["FLOWER_PASSWORD"]
    proc = subprocess.run([str(BIN / "supervisord"), "-c", str(CONF)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    assert "ENV_FLOWER_PASSWORD" in proc.stdout + proc.stderr
    assert not (tmp_path / "run" / "supervisor.sock").exists()
