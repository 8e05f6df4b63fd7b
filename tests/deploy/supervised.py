"""supervisord.conf run for real: its environment, supervisorctl, and bounded waits."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psutil
from supervisor.options import UnhosedConfigParser

from tests.support.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "supervisord.conf"
BIN = Path(sys.executable).parent
POLL_S = 0.2  # polling interval of the bounded waits below


def parsed_config() -> UnhosedConfigParser:
    """supervisord.conf read by supervisor's own parser (continuations and comments alike)."""
    parser = UnhosedConfigParser()
    parser.read(str(CONF))
    return parser


def program_names() -> list[str]:
    return [s.split(":", 1)[1] for s in parsed_config().sections() if s.startswith("program:")]


def wait_until(check: Callable[[], bool], deadline_s: float, what: str,
               detail: Callable[[], str] = lambda: "") -> None:
    """Poll `check` until it holds; fail with `what` (and `detail()`) after `deadline_s`."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if check():
            return
        time.sleep(POLL_S)
    raise AssertionError(f"{what} within {deadline_s}s\n{detail()}")


def supervisord_env(base: Path) -> dict[str, str]:
    """The settings supervisord.conf reads, on free ports and fresh folders under `base`."""
    run_dir, log_dir, data_dir = base / "run", base / "log", base / "data"
    for folder in (run_dir, log_dir, data_dir):
        folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLOWER_")}
    env.update(
        REELFORGE_VENV=sys.prefix, REELFORGE_RUN_DIR=str(run_dir),
        REELFORGE_LOG_DIR=str(log_dir), REELFORGE_API_PORT=str(free_port()),
        REELFORGE_FLOWER_PORT=str(free_port()), DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(48), FLOWER_USER="ops",
        FLOWER_PASSWORD=secrets.token_urlsafe(18))
    return env


@dataclass
class Supervised:
    """A supervisord started with `-c supervisord.conf` and the settings it was given."""

    proc: subprocess.Popen[bytes]
    env: dict[str, str]
    log_dir: Path

    @classmethod
    def start(cls, env: dict[str, str]) -> Supervised:
        log_dir = Path(env["REELFORGE_LOG_DIR"])
        out = (log_dir / "supervisord.out").open("ab")
        proc = subprocess.Popen([str(BIN / "supervisord"), "-c", str(CONF)], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        return cls(proc, env, log_dir)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.env['REELFORGE_API_PORT']}"

    @property
    def flower_url(self) -> str:
        return f"http://127.0.0.1:{self.env['REELFORGE_FLOWER_PORT']}"

    @property
    def flower_auth(self) -> tuple[str, str]:
        return self.env["FLOWER_USER"], self.env["FLOWER_PASSWORD"]

    def ctl(self, *args: str, timeout_s: float = 150.0) -> str:
        """Run supervisorctl against this supervisord; its output (the status codes vary)."""
        done = subprocess.run([str(BIN / "supervisorctl"), "-c", str(CONF), *args],
                              env=self.env, capture_output=True, text=True, timeout=timeout_s)
        return done.stdout + done.stderr

    def states(self) -> dict[str, str]:
        """Program name -> state, from `supervisorctl status`."""
        states = {}
        for line in self.ctl("status", timeout_s=30).splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[1].isupper():
                states[parts[0]] = parts[1]
        return states

    def logs(self) -> str:
        """The tail of every log, for failure messages."""
        tails = []
        for log in sorted(self.log_dir.glob("*.log")) + [self.log_dir / "supervisord.out"]:
            if log.exists():
                tails.append(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}")
        return "\n".join(tails)

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def kill_everything(self) -> None:
        """Last resort after a failed test: SIGKILL supervisord and whatever it started."""
        victims = self.descendants()
        for process in [*victims, psutil.Process(self.proc.pid)]:
            try:
                process.send_signal(signal.SIGKILL)
            except psutil.NoSuchProcess:
                pass
        self.proc.wait(10)
        psutil.wait_procs(victims, timeout=10)


def alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """The processes still running (zombies and reused pids do not count as these)."""
    left = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                left.append(process)
        except psutil.NoSuchProcess:
            pass
    return left
