"""`reelforge run`: services, migrations and an admin, then API, workers, beat and Flower."""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import unquote

from sqlalchemy.engine import make_url

from app.core.config import settings
from app.core.logging import configure_logging
from app.core.migrate import upgrade_head
from app.dev.admin import AdminOutcome, ensure_admin, stable_secret
from app.dev.services import Services, configured, resolve_services
from app.dev.supervisor import ChildSpec, Supervisor
from app.jobs.names import GROUPS

log = logging.getLogger(__name__)

DEFAULT_ADMIN_EMAIL = "admin@reelforge.local"
CELERY_APP = "app.tasks.app:celery_app"
BANNER_WAIT_S = 60.0  # print the URLs even when the API is slow to answer


@dataclass(frozen=True)
class LaunchOptions:
    """What `reelforge run` starts, and where."""

    port: int = 8000
    beat: bool = True
    flower: bool = True
    flower_port: int = 5555
    gpu_worker: bool = False
    api_app: str = "app.main:app"
    data_dir: Path = Path(".var")
    stop_timeout_s: float = 10.0
    seed_library: bool = True  # `reelforge library seed` after migrations (adds once)


@dataclass(frozen=True)
class Credentials:
    admin_email: str
    admin_password: str
    admin_outcome: AdminOutcome
    flower_user: str
    flower_password: str


class Interrupted(Exception):
    """SIGINT or SIGTERM arrived while the platform was starting."""


def options_from_env(**overrides: Any) -> LaunchOptions:
    """Defaults from the environment (PORT, DATA_DIR, REELFORGE_GPU_WORKER), then overrides."""
    base = LaunchOptions(port=int(os.environ.get("PORT", "8000")), data_dir=settings.app.DATA_DIR,
                         gpu_worker=os.environ.get("REELFORGE_GPU_WORKER") == "1")
    return replace(base, **{key: value for key, value in overrides.items() if value is not None})


def child_specs(options: LaunchOptions, env: dict[str, str], creds: Credentials) -> list[ChildSpec]:
    """The programs to start: API, one worker per queue group, beat and Flower."""
    python = sys.executable
    celery = [python, "-m", "celery", "-A", CELERY_APP]
    # per-message deflate costs more than it saves on ~150-byte events (docs/benchmarks.md)
    specs = [ChildSpec("api", [python, "-m", "uvicorn", options.api_app,
                               "--ws-per-message-deflate", "false", "--host", "127.0.0.1",
                               "--port", str(options.port)], env)]
    for group in GROUPS:  # app/jobs/names.py: queues and pool size per group
        if group.gpu and not options.gpu_worker:
            continue
        specs.append(ChildSpec(f"worker-{group.name}", [
            *celery, "worker", "-Q", ",".join(group.queues), f"--hostname={group.name}@%h",
            "-c", str(group.concurrency), "--loglevel", "INFO",
        ], env))
    if options.beat:
        schedule = options.data_dir / "celerybeat-schedule"
        specs.append(ChildSpec("beat", [*celery, "beat", "--schedule", str(schedule),
                                        "--loglevel", "INFO"], env))
    if options.flower:
        # Flower reads every FLOWER_* variable as an option and refuses unknown ones
        # (FLOWER_USER, FLOWER_PASSWORD), and --basic-auth would show the password in `ps`.
        flower_env = {k: v for k, v in env.items() if not k.startswith("FLOWER_")}
        flower_env["FLOWER_BASIC_AUTH"] = f"{creds.flower_user}:{creds.flower_password}"
        specs.append(ChildSpec("flower", [*celery, "flower", f"--port={options.flower_port}",
                                          "--address=127.0.0.1"], flower_env))
    return specs


def child_env(options: LaunchOptions, services: Services, creds: Credentials) -> dict[str, str]:
    """The environment every child gets: our own plus the resolved services and paths."""
    env = dict(os.environ)
    env.update(DATABASE_URL=services.database_url, REDIS_URL=services.redis_url,
               DATA_DIR=str(options.data_dir), FLOWER_USER=creds.flower_user,
               FLOWER_PASSWORD=creds.flower_password, PYTHONUNBUFFERED="1")
    env.update(services.storage_env)
    if configured("PUBLIC_URL") is None:  # links in mails and signed URLs follow --port
        env["PUBLIC_URL"] = f"http://127.0.0.1:{options.port}"
    return env


def seed_library(env: dict[str, str]) -> str:
    """Add the generated shared library once (`reelforge library seed`, in a child with the
    resolved services); its summary line. The platform starts even if it fails."""
    done = subprocess.run([sys.executable, "-m", "app.cli", "library", "seed", "--quiet"],
                          env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        log.warning("launcher.library_seed_failed", extra={"stderr": done.stderr[-2000:]})
        return "library seed failed; run `reelforge library seed` to see why"
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else "library seed: done"


def prepare_credentials(options: LaunchOptions, sync_url: str) -> Credentials:
    """Ensure the admin account exists; passwords come from the env or stable files in DATA_DIR."""
    email = os.environ.get("REELFORGE_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL)
    password = os.environ.get("REELFORGE_ADMIN_PASSWORD") or stable_secret(
        options.data_dir / "admin-password")
    outcome = ensure_admin(sync_url, email=email, password=password)
    flower_password = configured("FLOWER_PASSWORD") or stable_secret(
        options.data_dir / "flower-password")
    return Credentials(admin_email=email, admin_password=password, admin_outcome=outcome,
                       flower_user=settings.broker.FLOWER_USER, flower_password=flower_password)


def banner(options: LaunchOptions, services: Services, creds: Credentials) -> list[str]:
    """The lines that tell a person where everything is and how to log in."""
    base = f"http://127.0.0.1:{options.port}"
    admin_password = {
        AdminOutcome.KEPT: "(set earlier; reset with `reelforge create-admin`)",
        AdminOutcome.REFUSED: "(none: the email belongs to an account that is not an "
                              "admin; set REELFORGE_ADMIN_EMAIL to another)",
    }.get(creds.admin_outcome, creds.admin_password)
    lines = [
        "Reelforge is running. Ctrl-C stops everything.",
        f"  Web page   {base}/",
        f"  API        {base}{settings.app.API_PREFIX}",
        f"  API docs   {base}/docs",
        f"  Admin      {creds.admin_email} / {admin_password}",
    ]
    if options.flower:
        lines.append(f"  Flower     http://127.0.0.1:{options.flower_port}/  "
                     f"{creds.flower_user} / {creds.flower_password}")
    embedded = {type(item).__name__ for item in services.embedded}
    db_note = " (embedded)" if "EmbeddedPostgres" in embedded else ""
    redis_note = " (embedded)" if "EmbeddedRedis" in embedded else ""
    lines += [
        f"  Database   {_shown(services.database_url)}{db_note}",
        f"  Redis      {_shown(services.redis_url)}{redis_note}",
        f"  Storage    {_storage_shown(services)}",
        f"  Data       {options.data_dir}",
    ]
    return lines


def _storage_shown(services: Services) -> str:
    env = services.storage_env
    if env:
        return f"S3 {env['S3_ENDPOINT_URL']} bucket {env['S3_BUCKET']} (embedded)"
    if settings.storage.STORAGE_BACKEND == "local":
        return f"local disk {settings.storage_dir} (single machine only)"
    return f"S3 {settings.storage.S3_ENDPOINT_URL or 'AWS'} bucket {settings.storage.S3_BUCKET}"


def _shown(url: str) -> str:
    # Password hidden; the socket directory of the embedded server readable (not %2F).
    return unquote(make_url(url).render_as_string(hide_password=True))


def port_answers(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


def refuse_busy_ports(options: LaunchOptions) -> None:
    """Stop early when the API or Flower port is taken: its child would only die later."""
    ports = {"--port": options.port, **({"--flower-port": options.flower_port}
                                        if options.flower else {})}
    for flag, port in ports.items():
        if port_answers(port):
            raise SystemExit(f"port {port} on 127.0.0.1 is in use; choose another with {flag}")


@contextmanager
def single_launcher(data_dir: Path) -> Iterator[None]:
    """Refuse a second launcher on the same data directory (the lock dies with the process)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "launcher.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"another `reelforge run` is using {data_dir}") from None
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        yield


@contextmanager
def stop_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM; the previous handlers come back afterwards."""
    stop = threading.Event()

    def handler(signum: int, _frame: FrameType | None) -> None:
        if not stop.is_set():
            log.info("launcher.stop_requested", extra={"signal": signal.Signals(signum).name})
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def run_platform(options: LaunchOptions | None = None) -> int:
    """Run everything until Ctrl-C or SIGTERM, then stop every process it started."""
    configure_logging()
    options = options or options_from_env()
    options = replace(options, data_dir=options.data_dir.resolve())
    refuse_busy_ports(options)
    supervisor = Supervisor()
    services: Services | None = None
    with single_launcher(options.data_dir), stop_signals() as stop:

        def check() -> None:
            if stop.is_set():
                raise Interrupted

        try:
            supervisor.say(f"starting services (data in {options.data_dir})")
            services = running = resolve_services(
                options.data_dir, database_url=configured("DATABASE_URL"),
                redis_url=configured("REDIS_URL"),
                # the embedded broker is password-protected like a production one
                redis_password=stable_secret(options.data_dir / "redis-password"),
                s3_secret=stable_secret(options.data_dir / "s3-secret"))
            check()
            supervisor.say("applying migrations")
            upgrade_head(running.sync_database_url)
            check()
            creds = prepare_credentials(options, running.sync_database_url)
            env = child_env(options, running, creds)
            if options.seed_library:
                supervisor.say("seeding the shared library")
                supervisor.say(seed_library(env))
                check()
            for spec in child_specs(options, env, creds):
                check()
                supervisor.start(spec)
            started = time.monotonic()
            shown = False

            def show_banner_once_ready() -> None:
                nonlocal shown
                if not shown and (port_answers(options.port)
                                  or time.monotonic() - started > BANNER_WAIT_S):
                    shown = True
                    for line in banner(options, running, creds):
                        supervisor.say(line)

            return supervisor.supervise(stop, show_banner_once_ready)
        except Interrupted:
            return 0
        except Exception:
            if not stop.is_set():
                raise
            # Ctrl-C reaches the helpers of startup (initdb, pg_ctl) too; they fail, we stop.
            log.info("launcher.interrupted_during_startup", exc_info=True)
            return 0
        finally:
            supervisor.say("stopping")
            supervisor.stop_all(options.stop_timeout_s)
            if services is not None:
                services.stop()
            supervisor.say("stopped")
