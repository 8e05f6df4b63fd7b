"""The ffmpeg runner: cancellation, timeout, failures and cleanup, with real processes."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import psutil
import pytest

from app.media import (
    Graph,
    RenderCancelled,
    RenderFailed,
    RenderProgress,
    RenderTimeout,
    SpecError,
    Timeline,
    frame_rgb_at,
    parse_timeline,
    render_timeline,
    run_graph,
)
from tests.media.colours import BLUE, GREEN, RED
from tests.media.frames import close

Resolver = Callable[[str], Path]


def long_timeline(make_image: Callable[..., Path]) -> Timeline:
    """Five minutes of video: far longer than any cancel or timeout below lets it run."""
    names = [make_image(c, (320, 240)).name for c in (RED, GREEN, BLUE)] * 2
    return parse_timeline({
        "scenes": [{"kind": "image", "asset": n, "duration_s": 50.0} for n in names],
        "output": {"preset": "square", "quality": "draft", "fps": 30}})


class Watcher:
    """Records what exists while ffmpeg runs, so the cleanup checks are not vacuous."""

    def __init__(self, out_dir: Path, live_ffmpeg: Callable[[], list[int]]) -> None:
        self.out_dir = out_dir
        self.live_ffmpeg = live_ffmpeg
        self.fractions: list[float] = []  # of the ffmpeg render pass
        self.pids: list[int] = []
        self.files_seen: set[str] = set()

    def on_progress(self, progress: RenderProgress) -> None:
        if progress.stage == "render":
            self.fractions.append(progress.fraction)
        self.look()

    def look(self) -> bool:
        """Note live ffmpeg pids and files; usable as a should_cancel that never cancels."""
        self.pids += self.live_ffmpeg()
        self.files_seen |= {p.name for p in self.out_dir.iterdir()}
        return False


def assert_cleaned_up(
    watcher: Watcher, live_ffmpeg: Callable[[], list[int]], *, saw_output: bool = True
) -> None:
    assert watcher.pids, "ffmpeg was never seen running"
    assert any(n.endswith(".graph.txt") for n in watcher.files_seen)
    if saw_output:
        assert any(".partial" in n for n in watcher.files_seen)
    assert live_ffmpeg() == []
    assert not any(psutil.pid_exists(pid) for pid in watcher.pids)
    assert list(watcher.out_dir.iterdir()) == []


def test_cancel_kills_ffmpeg_and_removes_files(
    make_image: Callable[..., Path], resolver: Resolver, out_dir: Path,
    live_ffmpeg: Callable[[], list[int]]
) -> None:
    watcher = Watcher(out_dir, live_ffmpeg)
    with pytest.raises(RenderCancelled):
        render_timeline(
            long_timeline(make_image),
            resolver,
            out_dir / "video.mp4",
            on_progress=watcher.on_progress,
            should_cancel=lambda: bool(watcher.fractions),
        )
    assert watcher.fractions[-1] < 1.0
    assert_cleaned_up(watcher, live_ffmpeg)


def test_timeout_kills_ffmpeg_and_removes_files(
    make_image: Callable[..., Path], resolver: Resolver, out_dir: Path,
    live_ffmpeg: Callable[[], list[int]]
) -> None:
    watcher = Watcher(out_dir, live_ffmpeg)
    # should_cancel is polled every 0.1 s whatever ffmpeg prints, so it observes the run.
    with pytest.raises(RenderTimeout):
        render_timeline(
            long_timeline(make_image),
            resolver,
            out_dir / "video.mp4",
            should_cancel=watcher.look,
            timeout_s=1.0,
        )
    # On a loaded machine ffmpeg may not have opened its output within the limit.
    assert_cleaned_up(watcher, live_ffmpeg, saw_output=False)


def test_failing_callback_still_kills_ffmpeg(
    make_image: Callable[..., Path], resolver: Resolver, out_dir: Path,
    live_ffmpeg: Callable[[], list[int]]
) -> None:
    watcher = Watcher(out_dir, live_ffmpeg)

    def explode(progress: RenderProgress) -> None:
        watcher.on_progress(progress)
        if progress.stage == "render":  # once ffmpeg runs
            raise RuntimeError("progress sink is down")

    with pytest.raises(RuntimeError, match="sink is down"):
        render_timeline(long_timeline(make_image), resolver, out_dir / "video.mp4",
                        on_progress=explode)
    assert_cleaned_up(watcher, live_ffmpeg)


def test_special_characters_in_paths(
    make_image: Callable[..., Path], resolver: Resolver, tmp_path: Path
) -> None:
    """Names that look like protocols or graph syntax are just file names."""
    image = make_image(GREEN, (100, 100), "PNG", name="concat:a|b, [x]'s;=.png")
    out_dir = tmp_path / "out dir, with 'quotes'"
    out_dir.mkdir()
    output = out_dir / "http:video.mp4"
    timeline = parse_timeline({
        "scenes": [{"kind": "image", "asset": image.name, "duration_s": 0.5}],
        "output": {"preset": "square", "quality": "draft", "fps": 25}})
    render_timeline(timeline, resolver, output)
    assert close(frame_rgb_at(output, 0.2), GREEN)


def test_ffmpeg_error_raises_render_failed_with_log_tail(tmp_path: Path, out_dir: Path) -> None:
    g = Graph()
    (color,) = g.add("color", {"s": "16x16", "d": 0.1}, outputs=["video"])
    g.output(g.then(color, "scale", {"w": "not-a-number", "h": 16}))
    with pytest.raises(RenderFailed) as caught:
        run_graph(g, out_dir / "x.mp4", output_args=["-f", "mp4"], total_s=0.1)
    assert caught.value.returncode != 0
    assert 0 < len(caught.value.stderr_tail) <= 20
    assert "not-a-number" in str(caught.value)
    assert list(out_dir.iterdir()) == []


def test_existing_output_survives_a_failed_render(tmp_path: Path, out_dir: Path) -> None:
    output = out_dir / "x.mp4"
    output.write_bytes(b"previous good render")
    g = Graph()
    (color,) = g.add("color", {"s": "16x16", "d": 0.1}, outputs=["video"])
    g.output(g.then(color, "scale", {"w": -7, "h": "x"}))
    with pytest.raises(RenderFailed):
        run_graph(g, output, output_args=["-f", "mp4"], total_s=0.1)
    assert output.read_bytes() == b"previous good render"
    assert [p.name for p in out_dir.iterdir()] == ["x.mp4"]


def _one_input_graph(path: Path) -> Graph:
    g = Graph()
    g.output(g.then(g.source(path, "-f", "png_pipe").video, "null"))
    return g


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo"])
def test_inputs_must_be_regular_files(kind: str, tmp_path: Path, out_dir: Path) -> None:
    path = tmp_path / "input.png"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    with pytest.raises(SpecError) as caught:
        run_graph(_one_input_graph(path), out_dir / "x.mp4", output_args=[], total_s=1.0)
    assert caught.value.field == "inputs[0]"
    assert list(out_dir.iterdir()) == []


def test_output_directory_must_exist(make_image: Callable[..., Path], tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        run_graph(
            _one_input_graph(make_image(RED)),
            tmp_path / "nope" / "x.mp4",
            output_args=[],
            total_s=1.0,
        )
    assert caught.value.field == "output"


def test_relative_output_that_looks_like_a_protocol(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    g = Graph()
    (color,) = g.add("color", {"s": "16x16", "d": 0.2}, outputs=["video"])
    g.output(color)
    run_graph(g, Path("concat:x.mp4"), output_args=["-c:v", "libx264", "-f", "mp4"], total_s=0.2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["concat:x.mp4"]


@pytest.mark.parametrize(
    ("total_s", "timeout_s", "field"),
    [(0.0, 10.0, "total_s"), (float("nan"), 10.0, "total_s"), (1.0, 0.0, "timeout_s")],
)
def test_run_graph_refuses_bad_limits(
    total_s: float, timeout_s: float, field: str, tmp_path: Path
) -> None:
    g = Graph()
    (color,) = g.add("color", {"s": "16x16", "d": 0.2}, outputs=["video"])
    g.output(color)
    with pytest.raises(SpecError) as caught:
        run_graph(g, tmp_path / "x.mp4", output_args=[], total_s=total_s, timeout_s=timeout_s)
    assert caught.value.field == field


def test_a_niced_process_starts_ffmpeg_below_normal_priority(
        make_image: Callable[..., Path], resolver: Resolver, out_dir: Path) -> None:
    from app.media.ffmpeg import build_command, run_niced

    with pytest.raises(ValueError, match="0..19"):
        run_niced(20)
    make_image(RED, name="r.png")
    timeline = parse_timeline({"scenes": [{"kind": "image", "asset": "r.png",
                                           "duration_s": 0.5}],
                               "output": {"preset": "square", "quality": "draft"}})
    run_niced(7)
    try:
        command = build_command(Graph(), out_dir / "g.txt", [], out_dir / "x.mp4")
        assert command[1:3] == ["-n", "7"] and command[0].endswith("nice")
        assert "ffmpeg" in command[3]
        render_timeline(timeline, resolver, out_dir / "niced.mp4")  # nice execs ffmpeg
        assert close(frame_rgb_at(out_dir / "niced.mp4", 0.25), RED)
    finally:
        run_niced(0)
    assert "nice" not in build_command(Graph(), out_dir / "g.txt", [], out_dir / "y.mp4")[0]
