"""Render progress across stages, with an ETA from a smoothed rate.

The rate is an exponentially weighted moving average of fraction per second, sampled
at most every `MIN_SAMPLE_S`: x264's first second (lookahead fill) is slow and a
plain elapsed/fraction estimate stays too high for a long time; the EWMA forgets it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

ALPHA = 0.3  # weight of the newest rate sample
MIN_SAMPLE_S = 0.5


@dataclass(frozen=True)
class RenderProgress:
    fraction: float  # 0..1 over all stages
    stage: str
    eta_s: float | None


ProgressCallback = Callable[[RenderProgress], None]


class Eta:
    """Seconds left from (fraction, time) samples; None until one rate was measured."""

    def __init__(self) -> None:
        self._rate: float | None = None
        self._last: tuple[float, float] | None = None

    def update(self, fraction: float, now: float) -> float | None:
        if self._last is None:
            self._last = (now, fraction)
            return None
        then, before = self._last
        if now - then >= MIN_SAMPLE_S and fraction > before:
            rate = (fraction - before) / (now - then)
            self._rate = rate if self._rate is None else ALPHA * rate + (1 - ALPHA) * self._rate
            self._last = (now, fraction)
        if self._rate is None or self._rate <= 0:
            return None
        return max(0.0, (1.0 - fraction) / self._rate)


class Stages:
    """Maps each stage's own 0..1 onto one overall fraction, monotonic, with an ETA."""

    def __init__(self, weights: Sequence[tuple[str, float]],
                 callback: ProgressCallback | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        total = sum(w for _, w in weights)
        self._spans: dict[str, tuple[float, float]] = {}
        start = 0.0
        for name, weight in weights:
            self._spans[name] = (start, weight / total)
            start += weight / total
        self._callback = callback
        self._clock = clock
        self._eta = Eta()
        self._best = 0.0

    def report(self, stage: str, fraction: float) -> None:
        start, width = self._spans[stage]
        overall = max(self._best, min(1.0, start + width * max(0.0, min(1.0, fraction))))
        self._best = overall
        eta = self._eta.update(overall, self._clock())
        if self._callback is not None:
            self._callback(RenderProgress(round(overall, 4), stage,
                                          None if eta is None else round(eta, 1)))

    def stage_fn(self, stage: str) -> Callable[[float, str], None]:
        """A ProgressFn for run_graph that reports into `stage`."""
        return lambda fraction, _name: self.report(stage, fraction)
