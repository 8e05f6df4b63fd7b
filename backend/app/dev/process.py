"""Stopping processes and process groups for sure: SIGTERM, a bounded wait, then SIGKILL."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import time
from collections.abc import Callable

import psutil

_PR_SET_PDEATHSIG = 1  # linux/prctl.h
# Loaded in the parent: a preexec_fn should call into libc, not import or load libraries.
_libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if sys.platform == "linux" \
    else None


def die_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM when the launcher dies, even from SIGKILL (Linux)."""
    if _libc is not None:
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def alive(process: psutil.Process) -> bool:
    """Running and not a zombie waiting for a parent that may never reap it."""
    try:
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def stop_process(process: psutil.Process, *, timeout_s: float) -> None:
    """SIGTERM one process, wait up to timeout_s, then SIGKILL it."""
    if not alive(process):
        return
    try:
        process.terminate()
        process.wait(timeout_s)
    except psutil.TimeoutExpired:
        process.kill()
        process.wait(5.0)
    except psutil.NoSuchProcess:
        pass


def group_members(pgid: int) -> list[psutil.Process]:
    """Live (non-zombie) processes in process group pgid."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return []
    except PermissionError:
        pass
    members = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pgid and alive(process):
                members.append(process)
        except (ProcessLookupError, psutil.Error):
            continue
    return members


def signal_group(pgid: int, sig: signal.Signals) -> None:
    """Send sig to every process of the group; a group already gone is fine."""
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def stop_groups(pgids: list[int], *, timeout_s: float,
                wait: Callable[[float], None] = time.sleep) -> None:
    """SIGTERM every group, wait until all are empty or timeout_s passes, SIGKILL the rest.

    `wait(seconds)` runs between checks; the launcher passes one that relays child output.
    """
    for pgid in pgids:
        signal_group(pgid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    remaining = list(pgids)
    while remaining and time.monotonic() < deadline:
        remaining = [pgid for pgid in remaining if group_members(pgid)]
        if remaining:
            wait(0.1)  # poll interval; the deadline bounds the wait
    for pgid in remaining:
        signal_group(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while remaining and time.monotonic() < deadline:
        remaining = [pgid for pgid in remaining if group_members(pgid)]
        if remaining:
            wait(0.05)
