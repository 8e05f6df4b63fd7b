"""Run one ffmpeg filter graph with progress, cancellation, a hard timeout and cleanup."""

from __future__ import annotations

import functools
import math
import os
import selectors
import shutil
import signal
import subprocess
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

from app.media.errors import RenderCancelled, RenderFailed, RenderTimeout, SpecError
from app.media.graph import Graph

ProgressFn = Callable[[float, str], None]
CancelFn = Callable[[], bool]

PROGRESS_INTERVAL_S = 0.25
# How long one wait on ffmpeg's pipes may block, so cancel and timeout are seen even
# while ffmpeg prints nothing (x264 lookahead, a slow first frame).
POLL_S = 0.1
# ffmpeg finishes the container on SIGTERM; past this we stop waiting and SIGKILL.
KILL_GRACE_S = 1.0
STDERR_TAIL_LINES = 20
# A line longer than this (a runaway log line) is cut so memory stays bounded.
MAX_LINE_BYTES = 8192
# Progress is capped below 1.0 until the output file is in place.
_BEFORE_DONE = 0.99


@functools.cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped in the imageio-ffmpeg wheel."""
    return str(imageio_ffmpeg.get_ffmpeg_exe())


@dataclass(frozen=True)
class RunStats:
    """What one successful ffmpeg run reports back."""

    wall_s: float
    log_tail: tuple[str, ...]


class _Progress:
    """Turns out_time samples into throttled, monotonic fractions for the callback."""

    def __init__(self, callback: ProgressFn | None, stage: str, total_s: float) -> None:
        self._callback = callback
        self._stage = stage
        self._total_us = total_s * 1e6
        self._latest = 0.0
        self._sent = -1.0
        self._sent_at = float("-inf")

    def sample(self, out_time_us: int) -> None:
        """Record ffmpeg's output position; report it if the throttle allows."""
        self._latest = max(self._latest, min(out_time_us / self._total_us, _BEFORE_DONE))
        now = time.monotonic()
        if self._latest > self._sent and now - self._sent_at >= PROGRESS_INTERVAL_S:
            self._emit(self._latest, now)

    def finish(self) -> None:
        """Report completion (1.0) once the output file is in place."""
        self._emit(1.0, time.monotonic())

    def _emit(self, fraction: float, now: float) -> None:
        self._sent, self._sent_at = fraction, now
        if self._callback is not None:
            self._callback(fraction, self._stage)


class _Lines:
    """Splits a byte stream into bounded text lines."""

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, chunk: bytes) -> list[str]:
        """Complete lines in `chunk` plus what was buffered before it."""
        self._buf += chunk
        *lines, self._buf = self._buf.split(b"\n")
        self._buf = self._buf[-MAX_LINE_BYTES:]
        return [ln[:MAX_LINE_BYTES].decode("utf-8", "replace").rstrip("\r") for ln in lines]

    def flush(self) -> list[str]:
        """The unterminated last line at end of stream, if any."""
        rest, self._buf = self._buf, b""
        return [rest.decode("utf-8", "replace")] if rest else []


def _check_inputs(graph: Graph, output: Path) -> None:
    for src in graph.sources:
        # is_file() follows symlinks: a link to a regular file is fine, a FIFO or a
        # device (which could block or stream forever) is not.
        if not src.path.is_file():
            raise SpecError(f"inputs[{src.index}]", f"{src.path} is not an existing regular file")
    if not output.parent.is_dir():
        raise SpecError("output", f"directory {output.parent} does not exist")
    if output.is_dir():
        raise SpecError("output", f"{output} is a directory")


_nice_prefix: list[str] = []  # `nice -n N`, set once per process by `run_niced`


def run_niced(nice: int) -> None:
    """Start every later ffmpeg of this process `nice` steps below normal CPU priority (0:
    normal). A worker sharing a machine with the API renders without delaying it."""
    if not 0 <= nice <= 19:
        raise ValueError(f"nice must be 0..19, got {nice}")
    tool = shutil.which("nice") if nice else None
    # nice(1) execs ffmpeg in its place: the same pid, so the kill by process group holds
    _nice_prefix[:] = [tool, "-n", str(nice)] if tool else []


def ffmpeg_argv(*args: str) -> list[str]:
    """`ffmpeg args…` at this process's render priority (`run_niced`): every ffmpeg a
    worker starts, probes and analysis included, goes through here or `build_command`."""
    return [*_nice_prefix, ffmpeg_exe(), *args]


def build_command(
    graph: Graph,
    script: Path,
    output_args: Sequence[str],
    target: Path,
    loglevel: str = "warning",
) -> list[str]:
    """The full ffmpeg argument list for a graph whose script is written to `script`."""
    cmd = ffmpeg_argv("-hide_banner", "-nostdin", "-y", "-loglevel", loglevel)
    cmd += ["-progress", "pipe:1", "-nostats", "-stats_period", str(PROGRESS_INTERVAL_S)]
    for src in graph.sources:
        # Input options reset after each -i, so the whitelist is repeated per input; the
        # "file:" prefix stops a name like "concat:a|b" from selecting a protocol.
        cmd += ["-protocol_whitelist", "file,pipe", *src.options]
        cmd += ["-i", f"file:{src.path.resolve()}"]
    # ffmpeg 8 removed -filter_complex_script; "-/opt file" reads any option from a file.
    if graph.filters:
        cmd += ["-/filter_complex", f"file:{script.resolve()}"]
    sources = {src.video.label for src in graph.sources} | {
        src.audio.label for src in graph.sources}
    for pad in graph.outputs:  # a copied input stream is mapped by its specifier
        cmd += ["-map", pad.label if pad.label in sources else pad.ref]
    cmd += [*output_args, f"file:{target.resolve()}"]
    return cmd


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # start_new_session made ffmpeg a group leader, so its pid is the group id.
    for sig, grace in ((signal.SIGTERM, KILL_GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def run_graph(
    graph: Graph,
    output: Path,
    *,
    output_args: Sequence[str],
    total_s: float,
    stage: str = "render",
    on_progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    timeout_s: float = 1800.0,
    deadline: float | None = None,
    loglevel: str = "warning",
    log_lines: int = STDERR_TAIL_LINES,
) -> RunStats:
    """Render `graph` into `output`; the file appears only if ffmpeg succeeds.

    `log_lines` of ffmpeg's log (at `loglevel`) come back in RunStats.log_tail. ffmpeg is
    killed after `timeout_s`, or at `deadline` (a time.monotonic() value) if that comes
    first: a render of several passes gives every pass the one deadline of the whole.
    """
    if not 0 < total_s < math.inf:
        raise SpecError("total_s", "must be a positive number of seconds")
    if not 0 < timeout_s < math.inf:
        raise SpecError("timeout_s", "must be a positive number of seconds")
    _check_inputs(graph, output)
    if deadline is not None and time.monotonic() >= deadline:
        raise RenderTimeout(timeout_s)  # the passes before this one used it all up
    # Temporary files live beside the output: same filesystem for the final rename, and
    # the caller's directory is the one it already cleans.
    token = uuid.uuid4().hex[:12]
    partial = output.with_name(f".{output.stem}.{token}.partial{output.suffix}")
    script = output.with_name(f".{output.stem}.{token}.graph.txt")
    script.write_text(graph.script(), encoding="utf-8")
    progress = _Progress(on_progress, stage, total_s)
    done = False
    try:
        stats = _supervise(
            build_command(graph, script, output_args, partial, loglevel),
            progress,
            should_cancel,
            timeout_s,
            log_lines,
            deadline,
        )
        if not partial.is_file():
            raise RenderFailed(0, [*stats.log_tail, "ffmpeg wrote no output file"])
        os.replace(partial, output)
        done = True
    finally:
        script.unlink(missing_ok=True)
        if not done:
            partial.unlink(missing_ok=True)
    progress.finish()
    return stats


def _supervise(
    cmd: list[str],
    progress: _Progress,
    should_cancel: CancelFn | None,
    timeout_s: float,
    log_lines: int = STDERR_TAIL_LINES,
    deadline: float | None = None,
) -> RunStats:
    started = time.monotonic()
    deadline = min(started + timeout_s, deadline if deadline is not None else math.inf)
    stderr_tail: deque[str] = deque(maxlen=log_lines)
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert proc.stdout is not None and proc.stderr is not None
    readers = {proc.stdout.fileno(): _Lines(), proc.stderr.fileno(): _Lines()}
    out_fd = proc.stdout.fileno()
    sel = selectors.DefaultSelector()
    checked_at = float("-inf")
    try:
        for fd in readers:
            sel.register(fd, selectors.EVENT_READ)
        while True:
            if sel.get_map():
                for key, _ in sel.select(timeout=POLL_S):
                    fd = int(key.fd)
                    chunk = os.read(fd, 65536)
                    if not chunk:
                        sel.unregister(fd)
                    lines = readers[fd].feed(chunk) if chunk else readers[fd].flush()
                    if fd == out_fd:
                        _parse_progress(lines, progress)
                    else:
                        stderr_tail.extend(ln for ln in lines if ln.strip())
            else:
                try:
                    proc.wait(timeout=POLL_S)
                except subprocess.TimeoutExpired:
                    pass
            if proc.returncode is not None and not sel.get_map():
                break
            now = time.monotonic()
            # A busy stderr would otherwise call should_cancel (maybe a Redis round trip)
            # thousands of times a second.
            if should_cancel is not None and now - checked_at >= POLL_S:
                checked_at = now
                if should_cancel():
                    _kill_group(proc)
                    raise RenderCancelled("render cancelled")
            if now > deadline:
                _kill_group(proc)
                raise RenderTimeout(timeout_s)
    finally:
        sel.close()
        if proc.poll() is None:
            # Any exit path that is not a normal end (a callback raised, KeyboardInterrupt).
            _kill_group(proc)
        proc.stdout.close()
        proc.stderr.close()
    if proc.returncode != 0:
        raise RenderFailed(proc.returncode, list(stderr_tail))
    return RunStats(wall_s=time.monotonic() - started, log_tail=tuple(stderr_tail))


def _parse_progress(lines: list[str], progress: _Progress) -> None:
    for line in lines:
        key, _, value = line.partition("=")
        # out_time_us reads "N/A" before the first frame and may be negative at start.
        if key == "out_time_us" and value.isdigit():
            progress.sample(int(value))
