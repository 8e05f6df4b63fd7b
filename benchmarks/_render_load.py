"""A render running beside a benchmark: a process that renders a 1080x1920 `standard`
timeline of busy photos in a loop, its ffmpeg started at the CPU priority a worker gives
it (`app.media.ffmpeg.run_niced`, as `tasks/startup` calls it with RENDER_NICE).

    with render_beside(nice=19):
        ...  # measure
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from chunked_render import _photos, _timeline  # noqa: E402

from app.core.config import settings  # noqa: E402

WORKER_NICE = settings.render.RENDER_NICE

STARTED_S = 60.0  # the first ffmpeg must be running by then


def _loop(nice: int, folder: str, running: Any, stop: Any) -> None:
    from app.media import parse_timeline, render_timeline
    from app.media.ffmpeg import run_niced

    run_niced(nice)
    files = _photos(Path(folder), 6)
    data = _timeline(sorted(files), 10, audio=False)
    data["output"] = {"preset": "tiktok", "quality": "standard"}
    timeline = parse_timeline(data)
    running.set()
    while not stop.is_set():
        render_timeline(timeline, files.__getitem__, Path(folder) / "out.mp4")


@contextlib.contextmanager
def render_beside(nice: int) -> Iterator[None]:
    """Renders in a loop for the duration of the block; the ongoing ffmpeg is stopped
    (with its process) on the way out."""
    ctx = mp.get_context("spawn")
    running, stop = ctx.Event(), ctx.Event()
    with tempfile.TemporaryDirectory(prefix="render-beside-") as folder:
        proc = ctx.Process(target=_loop, args=(nice, folder, running, stop), daemon=True)
        proc.start()
        try:
            if not running.wait(STARTED_S) or not _encoders(proc.pid, STARTED_S):
                raise RuntimeError("the render beside the benchmark did not start")
            yield
        finally:
            stop.set()
            # ffmpeg runs in a process group of its own: stop it with its parent
            for child in [psutil.Process(proc.pid), *_encoders(proc.pid, 0)]:
                with contextlib.suppress(psutil.NoSuchProcess):
                    child.kill()
            proc.join(10)


def _encoders(pid: int, wait_s: float) -> list[psutil.Process]:
    """The loop's running ffmpeg processes, waiting (bounded) for one to appear."""
    end = time.monotonic() + wait_s
    while True:
        try:
            found = [c for c in psutil.Process(pid).children(recursive=True)
                     if "ffmpeg" in c.name()]
        except psutil.NoSuchProcess:
            return []
        if found or time.monotonic() >= end:
            return found
        time.sleep(0.1)  # polling interval of a bounded wait
