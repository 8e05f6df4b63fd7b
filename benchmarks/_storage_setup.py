"""Services and processes for storage_compare.py, all private to one temp folder.

PostgreSQL and Redis are embedded (app.dev.services.resolve_services), S3 is an embedded
SeaweedFS. Each backend gets an API and a video worker of its own (and, for workflows, a
content worker on `content,social` as WORKER_GROUPS["content"] has it), on a Redis db of
its own so no worker takes the other backend's jobs; every process has a DATA_DIR of its
own, and the `local` processes share one STORAGE_DIR, the only way that backend works.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx
import psutil
from _platform import BENCH_PLANS, PASSWORD, Child, free_port

from app.dev.process import die_with_parent
from app.jobs.names import WORKER_GROUPS

ROOT = Path(__file__).resolve().parents[1]
STARTUP_DEADLINE_S = 60.0
REDIS_DB = {"s3": 1, "local": 2}


@dataclass
class Deployment:
    """One backend's API and workers, and an account on that API."""

    backend: str
    base_url: str
    api: Child
    worker: Child
    headers: dict[str, str] = field(default_factory=dict)
    content_worker: Child | None = None  # content and social queues, for workflows

    def workers(self) -> list[Child]:
        return [w for w in (self.worker, self.content_worker) if w is not None]


class Stack:
    """Context manager: services up and migrated on enter, everything down on exit."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="reelforge-storage-bench-"))
        self.children: list[Child] = []
        self.services = None
        self.s3 = None

    def __enter__(self) -> Stack:
        from app.dev.seaweed import start_embedded_s3
        from app.dev.services import resolve_services, sync_url

        try:
            self.services = resolve_services(self.root / "services", database_url=None,
                                             redis_url=None)
            self.s3 = start_embedded_s3(self.root / "services", access_key="reelforge-bench",
                                        secret_key=secrets.token_urlsafe(24))
            # exported before any app module builds its settings; children inherit them
            os.environ.update({
                "ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(48),
                "METRICS_TOKEN": secrets.token_urlsafe(24),
                "DATABASE_URL": self.services.database_url, "PYTHONUNBUFFERED": "1",
                "DATA_DIR": str(self.root / "data"), "PLANS": json.dumps(BENCH_PLANS)})
            from app.core.migrate import upgrade_head

            upgrade_head(sync_url(self.services.database_url))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for child in reversed(self.children):
            child.stop()
        if self.s3 is not None:
            self.s3.stop()
        if self.services is not None:
            self.services.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def env(self, backend: str) -> dict[str, str]:
        """The settings an API or worker of `backend` runs with."""
        assert self.services is not None and self.s3 is not None
        redis_url = self.services.redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB[backend]}"
        if backend == "s3":
            return {**self.s3.env(), "REDIS_URL": redis_url}
        return {"STORAGE_BACKEND": "local", "STORAGE_DIR": str(self.root / "local-store"),
                "REDIS_URL": redis_url}

    def spawn(self, name: str, args: list[str], env: dict[str, str]) -> Child:
        log = self.root / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        private = {"DATA_DIR": str(self.root / "disks" / name)}
        with log.open("ab") as handle:
            proc = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT,
                                    env={**os.environ, **private, **env},
                                    start_new_session=True, preexec_fn=die_with_parent)
        child = Child(name, proc, log)
        self.children.append(child)
        return child

    def worker(self, backend: str, group: str) -> tuple[Child, str]:
        """A `-c 1` worker of `backend` on the queues of WORKER_GROUPS[group]; its hostname."""
        hostname = f"{group}-{backend}-{uuid.uuid4().hex[:6]}@bench"
        queues = ",".join(WORKER_GROUPS[group])
        child = self.spawn(f"worker-{group}-{backend}", [
            sys.executable, "-m", "celery", "-A", "app.tasks.app:celery_app", "worker",
            "-Q", queues, "-c", "1", "-n", hostname, "--loglevel", "INFO"], self.env(backend))
        return child, hostname

    def deploy(self, backend: str, *, workflows: bool = False) -> Deployment:
        """Start `backend`'s API and workers, wait for them, register a user."""
        port = free_port()
        api = self.spawn(f"api-{backend}", [
            sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1",
            "--port", str(port), "--no-access-log"], self.env(backend))
        workers = [self.worker(backend, "video")]
        if workflows:
            workers.append(self.worker(backend, "content"))
        base_url = f"http://127.0.0.1:{port}"
        _wait(api, lambda: httpx.get(f"{base_url}/health", timeout=1.0).status_code == 200)
        for child, hostname in workers:
            _wait(child, lambda c=child, h=hostname: f"{h} ready." in c.log.read_text(
                errors="replace"))
        deployment = Deployment(backend, base_url, api, workers[0][0],
                                content_worker=workers[1][0] if workflows else None)
        deployment.headers = register(base_url)
        return deployment


def _wait(child: Child, ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if child.proc.poll() is not None:
            raise SystemExit(f"{child.name} exited early:\n{child.log_tail()}")
        try:
            if ready():
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)  # readiness poll, bounded by the deadline
    raise SystemExit(f"{child.name} not ready in time:\n{child.log_tail()}")


def register(base_url: str) -> dict[str, str]:
    """A new account's Authorization header."""
    email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
    created = httpx.post(f"{base_url}/api/v1/auth/register",
                         json={"email": email, "password": PASSWORD}, timeout=30.0)
    created.raise_for_status()
    token = httpx.post(f"{base_url}/api/v1/auth/token",
                       data={"username": email, "password": PASSWORD}, timeout=30.0)
    token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


class RssSampler:
    """Peak RSS of one process, sampled every `interval_s` in a thread while in `with`."""

    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        self.process = psutil.Process(pid)
        self.interval_s = interval_s
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return int(self.process.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())
