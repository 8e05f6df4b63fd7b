"""What every benchmark starts: a fresh database, a private Redis db, the API and workers.

Everything runs on loopback against the local PostgreSQL (127.0.0.1:5432, user postgres)
and Redis (127.0.0.1:6379). The API and the workers are real subprocesses started the way
the launcher starts them; `Platform.__exit__` stops them and drops what it created.
"""

from __future__ import annotations

import io
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx
import psutil
import psycopg
import redis
from PIL import Image

from app.dev.process import die_with_parent
from app.dev.services import (
    LOCAL_POSTGRES_URL,
    ensure_database,
    libpq_conninfo,
    sync_url,
    with_database,
)

ROOT = Path(__file__).resolve().parents[1]
# Suffixed with the reserved Redis db, so two benchmarks running at once never drop each
# other's database.
BENCH_DATABASE = "reelforge_bench_{}"
REDIS_SERVER = "redis://127.0.0.1:6379"
# The test suite reserves Redis dbs 1-15 with these keys in db 0 (tests/support/slots.py);
# taking one the same way keeps a test run that starts meanwhile out of our db.
SLOT_KEY = "reelforge:test-slot:{}"
SLOT_TTL_S = 3600
STARTUP_DEADLINE_S = 60.0
PASSWORD = "correct horse battery staple"
# New accounts get the `free` plan; here it has limits no benchmark reaches, so the quota
# checks run in full (advisory lock, window counts) and never answer 429.
BENCH_PLANS = {"free": {"submits_per_hour": {"*": 10**9}, "max_waiting": 10**9,
                        "max_running": 1000}}


def raise_fd_limit(wanted: int = 65536) -> int:
    """Raise the soft open-files limit towards `wanted` (capped by the hard limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machine_facts() -> str:
    load = ", ".join(f"{v:.2f}" for v in os.getloadavg())
    memory_gib = psutil.virtual_memory().total / 2**30
    return (f"{psutil.cpu_count()} CPU cores, {memory_gib:.0f} GiB RAM, "
            f"load average {load} at start, Python {sys.version.split()[0]}")


def percentiles(values: list[float], points: tuple[int, ...] = (50, 90, 99)) -> dict[str, float]:
    """Nearest-rank percentiles plus the max; an empty list gives NaN."""
    ordered = sorted(values)
    if not ordered:
        return {**{f"p{p}": float("nan") for p in points}, "max": float("nan")}
    picked = {f"p{p}": ordered[min(len(ordered) - 1, max(0, -(-p * len(ordered) // 100) - 1))]
              for p in points}
    return {**picked, "max": ordered[-1]}


def png_bytes(size: tuple[int, int] = (320, 240), color: tuple[int, int, int] = (40, 90, 200),
              ) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class Account:
    user_id: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Child:
    """A subprocess in a session of its own, stopped with its whole group."""

    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def process(self) -> psutil.Process:
        return psutil.Process(self.proc.pid)

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]

    def stop(self, timeout_s: float = 20.0) -> None:
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        except ProcessLookupError:
            pass


class Platform:
    """Context manager: services up on enter (env exported), everything down on exit."""

    def __init__(self, *, redis_db: int = 14) -> None:
        self.preferred_db = redis_db
        self.root = Path(tempfile.mkdtemp(prefix="reelforge-bench-"))
        self.database_url = ""
        self.redis_db = 0
        self.children: list[Child] = []
        self.base_url = ""
        self._control = redis.Redis.from_url(f"{REDIS_SERVER}/0")

    @property
    def database(self) -> str:
        return BENCH_DATABASE.format(self.redis_db)

    @property
    def redis_url(self) -> str:
        return f"{REDIS_SERVER}/{self.redis_db}"

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/api/v1/ws"

    def __enter__(self) -> Platform:
        try:
            self._reserve_redis_db()
            with redis.Redis.from_url(self.redis_url) as client:
                client.flushdb()
            self.database_url = with_database(LOCAL_POSTGRES_URL, self.database)
            ensure_database(LOCAL_POSTGRES_URL, self.database, fresh=True)
            # Exported before any app module builds its settings; children inherit them.
            os.environ.update({
                "ENVIRONMENT": "production", "SECRET_KEY": secrets.token_urlsafe(48),
                "METRICS_TOKEN": secrets.token_urlsafe(24),
                "DATABASE_URL": self.database_url, "REDIS_URL": self.redis_url,
                "DATA_DIR": str(self.root / "data"), "PYTHONUNBUFFERED": "1",
                # every process of a benchmark runs on this one machine: one shared folder
                # stands in for the object store (storage_compare.py measures S3 itself)
                "STORAGE_BACKEND": "local", "STORAGE_DIR": str(self.root / "storage"),
                "PLANS": json.dumps(BENCH_PLANS),
                # one load generator signs up hundreds of accounts from one address and
                # holds 1,000 sockets as one user: the abuse limits would stop it
                "LOGIN_IP_LIMITS": "100000/minute", "REGISTER_IP_LIMITS": "100000/minute",
                "WS_MAX_CONNECTIONS_PER_USER": "100000",
            })
            from app.core.migrate import upgrade_head

            upgrade_head(sync_url(self.database_url))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for child in reversed(self.children):
            child.stop()
        self.children.clear()
        if self.redis_db:
            with redis.Redis.from_url(self.redis_url) as client:
                client.flushdb()
            if self._control.get(SLOT_KEY.format(self.redis_db)) == str(os.getpid()).encode():
                self._control.delete(SLOT_KEY.format(self.redis_db))
        if self.database_url:
            with psycopg.connect(libpq_conninfo(LOCAL_POSTGRES_URL), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        self._control.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def _reserve_redis_db(self) -> None:
        candidates = [self.preferred_db, *(d for d in range(15, 0, -1) if d != self.preferred_db)]
        for db in candidates:
            if self._control.set(SLOT_KEY.format(db), os.getpid(), nx=True, ex=SLOT_TTL_S):
                self.redis_db = db
                return
        raise RuntimeError("every Redis db 1-15 is reserved by a test run or a benchmark")

    def spawn(self, name: str, args: list[str], env: dict[str, str] | None = None) -> Child:
        log = self.root / "logs" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as handle:
            proc = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT,
                                    env={**os.environ, **(env or {})}, start_new_session=True,
                                    preexec_fn=die_with_parent)
        child = Child(name, proc, log)
        self.children.append(child)
        return child

    def start_api(self, app: str = "app.main:app", env: dict[str, str] | None = None,
                  workers: int = 1) -> Child:
        """`uvicorn app.main:app` as the launcher runs it; `workers` > 1 runs that many
        processes behind the one port (uvicorn's `--workers`)."""
        port = free_port()
        extra = ["--workers", str(workers)] if workers > 1 else []
        child = self.spawn("api", [sys.executable, "-m", "uvicorn", app,
                                   "--ws-per-message-deflate", "false", *extra,
                                   "--host", "127.0.0.1", "--port", str(port)], env)
        self.base_url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while time.monotonic() < deadline:
            if child.proc.poll() is not None:
                raise RuntimeError(f"API exited early:\n{child.log_tail()}")
            try:
                if httpx.get(f"{self.base_url}/health", timeout=1.0).status_code == 200:
                    return child
            except httpx.HTTPError:
                pass
            time.sleep(0.1)  # readiness poll, bounded by the deadline
        raise RuntimeError(f"API not healthy in time:\n{child.log_tail()}")

    def start_worker(self, *, app: str, queues: str, concurrency: int = 1,
                     name: str = "worker") -> Child:
        """A Celery worker with the launcher's flags; returns once it says it is ready.

        benchmarks/ goes on its path so a benchmark module can define the tasks.
        """
        hostname = f"{name}-{uuid.uuid4().hex[:6]}@bench"
        child = self.spawn(f"worker-{name}", [
            sys.executable, "-m", "celery", "-A", app, "worker", "-Q", queues,
            "-c", str(concurrency), "-n", hostname, "--loglevel", "INFO",
        ], env={"PYTHONPATH": os.pathsep.join(filter(None, [
            str(ROOT / "benchmarks"), os.environ.get("PYTHONPATH")]))})
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while time.monotonic() < deadline:
            if child.proc.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{child.log_tail()}")
            if f"{hostname} ready." in child.log.read_text(errors="replace"):
                return child
            time.sleep(0.1)  # readiness poll, bounded by the deadline
        raise RuntimeError(f"worker not ready in time:\n{child.log_tail()}")

    def create_account(self, client: httpx.Client | None = None) -> Account:
        """Register through the API and log in for a real JWT."""
        own = client or httpx.Client(base_url=self.base_url, timeout=30.0)
        try:
            email = f"bench-{uuid.uuid4().hex[:12]}@example.com"
            created = own.post("/api/v1/auth/register", json={"email": email,
                                                              "password": PASSWORD})
            created.raise_for_status()
            token = own.post("/api/v1/auth/token", data={"username": email,
                                                         "password": PASSWORD})
            token.raise_for_status()
            return Account(created.json()["id"], token.json()["access_token"])
        finally:
            if client is None:
                own.close()

    def upload_image(self, account: Account) -> str:
        answer = httpx.post(f"{self.base_url}/api/v1/assets", headers=account.headers,
                            files={"file": ("photo.png", png_bytes())}, timeout=30.0)
        answer.raise_for_status()
        return str(answer.json()["id"])

