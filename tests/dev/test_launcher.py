"""`reelforge run` stops every process it started; embedded PostgreSQL and Redis start and stop."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil
import psycopg
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.ext.asyncio import create_async_engine

from app.dev.embedded_redis import EmbeddedRedis, redis_reachable
from app.dev.process import alive
from app.dev.services import EmbeddedPostgres, libpq_conninfo, pg_reachable, resolve_services

REPO = Path(__file__).resolve().parents[2]
# Stands in for app.main until the real application exists: any ASGI app will do here.
STANDIN_APP = '''
async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[-1]
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"stand-in"})
'''


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


def _wait_for(what: str, ready: Callable[[], bool], timeout_s: float,
              launcher: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        if launcher.poll() is not None:
            raise AssertionError(f"launcher exited ({launcher.returncode}) before {what}:\n"
                                 + log.read_text(errors="replace")[-4000:])
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {timeout_s} s:\n"
                                 + log.read_text(errors="replace")[-4000:])
        time.sleep(0.2)  # polling interval of a bounded wait


def _postmaster(data_dir: Path) -> psutil.Process | None:
    try:
        pid = int((data_dir / "postgres" / "postmaster.pid").read_text().split()[0])
        return psutil.Process(pid)
    except (OSError, ValueError, IndexError, psutil.Error):
        return None


def _session(process: psutil.Process) -> int | None:
    try:
        return os.getsid(process.pid)
    except OSError:
        return None


def test_resolve_services_starts_and_stops_embedded_servers(tmp_path: Path) -> None:
    services = resolve_services(tmp_path, database_url=None, redis_url=None)
    try:
        postgres, embedded_redis = services.embedded
        assert isinstance(postgres, EmbeddedPostgres)
        assert isinstance(embedded_redis, EmbeddedRedis)
        processes = [postgres.process, psutil.Process(embedded_redis.process.pid)]
        assert all(alive(p) for p in processes)

        with psycopg.connect(libpq_conninfo(services.database_url)) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        engine = create_engine(services.sync_database_url)
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT current_database()")) == "reelforge"
        engine.dispose()

        async def select_one() -> object:
            async_engine = create_async_engine(services.database_url)
            async with async_engine.connect() as connection:
                value = await connection.scalar(text("SELECT 1"))
            await async_engine.dispose()
            return value

        assert asyncio.run(select_one()) == 1
        with redis.Redis.from_url(services.redis_url) as client:
            assert client.ping()
            assert client.config_get("appendonly") == {"appendonly": "yes"}
            assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
    finally:
        services.stop()
    assert not [p for p in processes if alive(p)]
    assert not pg_reachable(services.database_url)
    assert not redis_reachable(services.redis_url)


def test_launcher_stops_every_process_on_sigint(tmp_path: Path) -> None:
    api_port, flower_port = _free_port(), _free_port()
    data_dir = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["DATA_DIR"] = str(data_dir)
    args = [sys.executable, "-m", "app.cli", "run", "--port", str(api_port),
            "--flower-port", str(flower_port), "--stop-timeout", "10"]
    if not (REPO / "backend" / "app" / "main.py").exists():
        (tmp_path / "standin_app.py").write_text(STANDIN_APP)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path), env.get("PYTHONPATH")]))
        args += ["--api-app", "standin_app:app"]
    log = tmp_path / "launcher.log"
    with log.open("wb") as out:
        launcher = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    seen: list[psutil.Process] = []
    try:
        _wait_for("API answer", lambda: _answers(api_port), 180, launcher, log)
        _wait_for("Flower answer", lambda: _answers(flower_port), 60, launcher, log)
        parent = psutil.Process(launcher.pid)
        # Celery's pool processes are grandchildren; wait until each worker has forked them.
        workers = [p for p in parent.children() if " worker " in " ".join(p.cmdline())]

        def pools_forked() -> bool:
            try:
                return all(worker.children() for worker in workers)
            except psutil.NoSuchProcess:
                raise AssertionError("a worker died:\n" + log.read_text()[-4000:]) from None

        _wait_for("worker pools", pools_forked, 120, launcher, log)
        children = parent.children()
        seen = parent.children(recursive=True)
        postmaster = _postmaster(data_dir)  # daemonized by pg_ctl: not a descendant
        assert postmaster is not None
        seen.append(postmaster)
        assert len(seen) > len(children) + 1, "expected grandchildren (worker pools)"

        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=60) == 0, log.read_text(errors="replace")[-4000:]
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
        # Leave nothing behind even when an assertion failed.
        for process in [*seen, _postmaster(data_dir)]:
            if process is not None and alive(process):
                process.kill()

    output = log.read_text(errors="replace")
    assert "Reelforge is running" in output and (data_dir / "admin-password").exists()
    assert "library seed: 8 added, 0 already present" in output, output[-4000:]
    assert not [p for p in seen if alive(p)], output[-4000:]
    sessions = {p.pid for p in children}
    strays = [p for p in psutil.process_iter() if alive(p) and _session(p) in sessions]
    assert not strays, f"processes left in the children's sessions: {strays}"
