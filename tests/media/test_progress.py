"""Progress across stages and the ETA: smoothing on a synthetic clock, order on a real render."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from app.media import RenderProgress, parse_timeline, render_timeline
from app.media.progress import Eta, Stages


def test_eta_settles_within_the_first_tenth() -> None:
    """x264-like run: a slow first 3 % (lookahead), then 2 %/s with jitter, samples at 4 Hz."""
    rng = random.Random(3)
    eta, now, fraction = Eta(), 0.0, 0.0
    errors: list[tuple[float, float]] = []
    while fraction < 0.999:
        now += 0.25
        speed = 0.005 if fraction < 0.03 else 0.02 * rng.uniform(0.8, 1.2)
        fraction = min(1.0, fraction + speed * 0.25)
        estimate = eta.update(fraction, now)
        truth = (1 - fraction) / 0.02
        if 0.1 <= fraction < 0.95 and estimate is not None:
            errors.append((fraction, abs(estimate - truth) / truth))
    assert errors and errors[0][0] < 0.11
    assert max(e for _, e in errors) < 0.15, errors[:5]


def test_eta_needs_a_measured_rate() -> None:
    eta = Eta()
    assert eta.update(0.0, 10.0) is None
    assert eta.update(0.1, 10.1) is None  # under the minimum sample spacing
    assert eta.update(0.2, 11.0) == 4.0  # 0.2 per second since t=10, 0.8 left


def test_stages_map_onto_one_monotonic_fraction() -> None:
    seen: list[RenderProgress] = []
    clock = iter(float(t) for t in range(100))
    stages = Stages([("prepare", 1), ("soundtrack", 1), ("render", 2)], seen.append,
                    clock=lambda: next(clock))
    stages.report("prepare", 1.0)
    stages.report("soundtrack", 0.5)
    stages.report("prepare", 0.2)  # late report from an earlier stage: never goes back
    stages.stage_fn("render")(0.5, "render")
    stages.report("render", 1.0)
    assert [p.fraction for p in seen] == [0.25, 0.375, 0.375, 0.75, 1.0]
    assert [p.stage for p in seen][-1] == "render" and seen[-1].eta_s == 0.0


def test_a_render_reports_stages_in_order(
    make_image: Callable[..., Path], make_tone: Callable[..., Path],
    resolver: Callable[[str], Path], out_dir: Path
) -> None:
    image = make_image((200, 40, 40), name="p.png")
    music = make_tone(2.0)
    data = {"scenes": [{"kind": "image", "asset": image.name, "duration_s": 8,
                        "motion": {"kind": "zoom_in"}}],
            "audio": {"music": {"asset": music.name}},
            "output": {"preset": "square", "quality": "draft"}}
    events: list[RenderProgress] = []
    render_timeline(parse_timeline(data), resolver, out_dir / "p.mp4", on_progress=events.append)
    fractions = [e.fraction for e in events]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    order = [e.stage for e in events]
    assert order.index("prepare") < order.index("soundtrack") < order.index("render")
    assert order == sorted(order, key=["prepare", "soundtrack", "render"].index)
    assert events[-1].eta_s == 0.0
    assert all(e.eta_s is None or e.eta_s >= 0 for e in events)
