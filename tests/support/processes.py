"""The API server and Celery workers as real subprocesses, started and stopped by tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import kombu.exceptions
import redis

STARTUP_DEADLINE_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def private_disk(log: Path) -> Path:
    """The DATA_DIR of the process that writes `log`."""
    return log.parent.parent / "disks" / log.stem


def _spawn(args: list[str], log: Path,
           env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start a process with a DATA_DIR of its own (beside its log) unless `env` names one:
    the API and every worker share nothing but PostgreSQL, Redis and the S3 store, as on
    separate machines, so a hidden shared-filesystem assumption fails the tests."""
    log.parent.mkdir(parents=True, exist_ok=True)
    handle = log.open("ab")
    private = {"DATA_DIR": str(private_disk(log))}
    return subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT,
                            env={**os.environ, **private, **(env or {})},
                            start_new_session=True)


def _stop(proc: subprocess.Popen[bytes], timeout_s: float = 20.0) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout_s)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(5)


@dataclass
class ApiServer:
    proc: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @classmethod
    def start(cls, *, log_dir: Path, env: dict[str, str] | None = None) -> ApiServer:
        """Start uvicorn; `env` adds settings for this server only (e.g. low thresholds)."""
        port = free_port()
        log = log_dir / f"api-{port}.log"
        proc = _spawn([sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
                       "--port", str(port), "--no-access-log",
                       "--ws-per-message-deflate", "false"], log, env)
        server = cls(proc, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"API exited early:\n{log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{server.base_url}/health", timeout=1.0).status_code == 200:
                    return server
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # polling interval of a bounded readiness wait
        server.stop()
        raise RuntimeError(f"API not healthy in time:\n{log.read_text()[-3000:]}")

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/api/v1/ws"

    def stop(self) -> None:
        _stop(self.proc)


@dataclass
class CeleryWorker:
    proc: subprocess.Popen[bytes]
    hostname: str
    log: Path

    @classmethod
    def start(cls, *, name: str, queues: str, concurrency: int, log_dir: Path,
              extra: list[str] | None = None, env: dict[str, str] | None = None
              ) -> CeleryWorker:
        hostname = f"{name}-{os.getpid()}-{free_port()}@test"
        log = log_dir / f"worker-{hostname}.log"
        proc = _spawn([sys.executable, "-m", "celery", "-A", "app.tasks.app:celery_app",
                       "worker", "-Q", queues, "-c", str(concurrency), "-n", hostname,
                       "--loglevel", "INFO", "--without-gossip", "--without-mingle",
                       *(extra or [])], log, env)
        worker = cls(proc, hostname, log)
        worker.wait_ready()
        return worker

    @classmethod
    @contextmanager
    def running(cls, **start: Any) -> Iterator[CeleryWorker]:
        """`start(**start)`, stopped again when the block ends (a fixture's whole body)."""
        worker = cls.start(**start)
        try:
            yield worker
        finally:
            worker.stop()

    @property
    def temp_dir(self) -> Path:
        """This worker's own temp folder (DATA_DIR/tmp of its private disk)."""
        return private_disk(self.log) / "tmp"

    def wait_ready(self) -> None:
        from app.tasks.app import celery_app

        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log.read_text()[-3000:]}")
            if f"{self.hostname} ready." in self.log.read_text():
                # consuming; a ping round trip confirms the remote-control channel too
                try:
                    if celery_app.control.ping(destination=[self.hostname], timeout=2.0):
                        return
                except (OSError, redis.RedisError, kombu.exceptions.OperationalError):
                    pass  # the broker is (re)starting; ask again until the deadline
            time.sleep(0.1)  # polling interval of a bounded readiness wait
        self.stop()
        raise RuntimeError(f"worker not ready in time:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        _stop(self.proc)
