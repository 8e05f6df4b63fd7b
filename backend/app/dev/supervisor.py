"""The launcher's children: each in its own session, output relayed with a name, all stopped."""

from __future__ import annotations

import logging
import os
import selectors
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from app.dev.process import die_with_parent, stop_groups

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChildSpec:
    """One program to run: a short name for its output lines, argv and its environment."""

    name: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class _Child:
    spec: ChildSpec
    popen: subprocess.Popen[bytes]
    partial: bytes = b""
    reported: bool = False


class Supervisor:
    """Starts children, relays their output line by line, reports deaths, stops them all."""

    def __init__(self, out: TextIO = sys.stdout) -> None:
        self._out = out
        self._children: list[_Child] = []
        self._selector = selectors.DefaultSelector()
        self._stopping = False

    def start(self, spec: ChildSpec) -> int:
        """Start one child in a new session (its own process group); returns its pid."""
        popen = subprocess.Popen(
            spec.argv, env=spec.env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # Own session: Ctrl-C reaches only the launcher, which then stops children in order,
            # and killpg(pid) reaches the child's own children (Celery's pool, uvicorn workers).
            start_new_session=True, preexec_fn=die_with_parent)
        assert popen.stdout is not None
        os.set_blocking(popen.stdout.fileno(), False)
        child = _Child(spec=spec, popen=popen)
        self._children.append(child)
        self._selector.register(popen.stdout, selectors.EVENT_READ, child)
        log.info("launcher.child_started", extra={"child": spec.name, "pid": popen.pid})
        return popen.pid

    def pids(self) -> dict[str, int]:
        return {child.spec.name: child.popen.pid for child in self._children}

    def pump(self, timeout_s: float) -> None:
        """Relay child output for up to timeout_s, then report children that have exited."""
        if self._selector.get_map():
            events = self._selector.select(timeout_s)
        else:
            time.sleep(timeout_s)  # nothing to read; this is the supervision poll interval
            events = []
        for key, _mask in events:
            child: _Child = key.data
            try:
                chunk = os.read(key.fd, 65536)
            except BlockingIOError:
                continue
            if not chunk:
                self._selector.unregister(key.fileobj)
                if child.partial:
                    self._emit(child, child.partial)
                    child.partial = b""
                continue
            lines = (child.partial + chunk).split(b"\n")
            child.partial = lines.pop()
            for line in lines:
                self._emit(child, line)
        self._report_exits()

    def supervise(self, stop: threading.Event, on_tick: Callable[[], None]) -> int:
        """Relay output until `stop` is set (returns 0) or every child has exited (returns 1)."""
        while not stop.is_set():
            self.pump(0.5)
            if all(child.popen.returncode is not None for child in self._children):
                self.say("every process has exited; stopping")
                return 1
            on_tick()
        return 0

    def stop_all(self, timeout_s: float) -> None:
        """SIGTERM every child's process group, SIGKILL what is left after timeout_s."""
        self._stopping = True
        stop_groups([child.popen.pid for child in self._children], timeout_s=timeout_s,
                    wait=self.pump)
        for child in self._children:
            try:
                child.popen.wait(5.0)
            except subprocess.TimeoutExpired:
                log.error("launcher.child_unkillable", extra={"child": child.spec.name})
        self.pump(0)  # what they wrote while stopping
        for key in list(self._selector.get_map().values()):
            self._selector.unregister(key.fileobj)
        for child in self._children:
            if child.popen.stdout is not None:
                child.popen.stdout.close()
        self._selector.close()

    def say(self, message: str) -> None:
        """A line of the launcher's own, between the children's lines."""
        self._write(f"{'reelforge':<14}| {message}")

    def _emit(self, child: _Child, line: bytes) -> None:
        text = line.decode("utf-8", errors="replace").rstrip("\r")
        self._write(f"{child.spec.name:<14}| {text}")

    def _write(self, text: str) -> None:
        try:
            self._out.write(text + "\n")
            self._out.flush()
        except (BrokenPipeError, ValueError):
            pass  # nobody reads our output any more; keep supervising

    def _report_exits(self) -> None:
        for child in self._children:
            code = child.popen.poll()
            if code is None or child.reported:
                continue
            child.reported = True
            if not self._stopping:
                self.say(f"{child.spec.name} exited with status {code} (not restarted)")
                log.error("launcher.child_exited",
                          extra={"child": child.spec.name, "pid": child.popen.pid, "status": code})
