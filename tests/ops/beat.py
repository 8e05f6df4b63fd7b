"""`celery beat` as a real subprocess with its own schedule file and environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import STARTUP_DEADLINE_S
from tests.support.processes import _stop as stop_process

SENDING = re.compile(r"Sending due task (\S+) \((\S+)\)")


@dataclass
class CeleryBeat:
    proc: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, *, name: str, workdir: Path, env: dict[str, str]) -> CeleryBeat:
        workdir.mkdir(parents=True, exist_ok=True)
        log = workdir / f"beat-{name}.log"
        handle = log.open("ab")
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "app.tasks.app:celery_app", "beat",
             "--loglevel", "INFO", "-s", str(workdir / f"schedule-{name}"),
             "--pidfile", str(workdir / f"beat-{name}.pid")],
            stdout=handle, stderr=subprocess.STDOUT, env={**os.environ, **env},
            start_new_session=True)
        beat = cls(proc, log)
        deadline = time.monotonic() + STARTUP_DEADLINE_S
        while "beat: Starting..." not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                beat.stop()
                raise RuntimeError(f"beat did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)  # polling interval of a bounded readiness wait
        return beat

    def sent(self) -> Counter[str]:
        """How many messages this beat sent, per task name."""
        return Counter(task for _, task in SENDING.findall(self.log.read_text()))

    def stop(self) -> None:
        stop_process(self.proc)
