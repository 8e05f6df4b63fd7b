"""A render has one deadline, from its start across every step and ffmpeg pass, not a
fresh limit per pass; and a job whose render ran out of it fails for good."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from app.jobs.policy import is_transient
from app.media import RenderProgress, RenderTimeout, parse_timeline, render_timeline
from tests.media.colours import RED

LIMIT_S = 10.0  # a 1 s draft renders in a fraction of it, even on a loaded machine


def test_one_deadline_across_the_render(make_image: Callable[..., Path],
                                        make_tone: Callable[..., Path],
                                        resolver: Callable[[str], Path],
                                        out_dir: Path) -> None:
    image, music = make_image(RED, (320, 240)), make_tone(1.0)
    timeline = parse_timeline({
        "scenes": [{"kind": "image", "asset": image.name, "duration_s": 1.0}],
        "audio": {"music": {"asset": music.name}},
        "output": {"preset": "square", "quality": "draft", "fps": 30}})
    spent: list[float] = []

    def slow_prepare(progress: RenderProgress) -> None:
        # the steps before the first pass use up the whole budget (a slow disk, a huge
        # still); each pass after that would still get its full limit with a per-pass one
        if progress.stage == "prepare" and not spent:
            spent.append(LIMIT_S)
            time.sleep(LIMIT_S)  # the time the slow step takes, not a wait for anything

    with pytest.raises(RenderTimeout) as caught:
        render_timeline(timeline, resolver, out_dir / "video.mp4", on_progress=slow_prepare,
                        timeout_s=LIMIT_S)
    assert caught.value.timeout_s == LIMIT_S
    assert list(out_dir.iterdir()) == []


def test_a_render_timeout_is_not_retried() -> None:
    """The same timeline on the same fleet takes as long again: three hours for nothing."""
    assert not is_transient(RenderTimeout(1800))
