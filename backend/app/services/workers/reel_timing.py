"""Scene lengths from word timings: each segment's scene lasts while its words are spoken."""

from __future__ import annotations

from collections.abc import Sequence

from app.core.text import count_words

MIN_SCENE_S = 0.8


def boundaries(texts: Sequence[str], words: Sequence[Sequence[object]],
               total_s: float) -> list[float]:
    """Times where one segment hands over to the next, halfway through the pause between
    them; by word share when the timings do not count the same words as the texts."""
    counts = [count_words(t) for t in texts]
    n_words = sum(counts)
    cuts: list[float] = []
    seen = 0
    for count in counts[:-1]:
        seen += count
        if len(words) == n_words and 0 < seen < n_words:
            end_before = float(words[seen - 1][2])  # type: ignore[arg-type]
            start_after = float(words[seen][1])  # type: ignore[arg-type]
            cuts.append((end_before + start_after) / 2)
        else:
            cuts.append(total_s * seen / max(n_words, 1))
    return cuts


def scene_seconds(texts: Sequence[str], words: Sequence[Sequence[object]], total_s: float,
                  transition_s: float) -> list[float]:
    """Nominal scene lengths: the spoken span of each segment, plus the transition overlap
    that a cross-fade takes back, so the cut lands between the two segments' words."""
    edges = [0.0, *boundaries(texts, words, total_s), total_s]
    floor = max(MIN_SCENE_S, 2 * transition_s + 0.2)
    spans = [max(floor, b - a) for a, b in zip(edges, edges[1:], strict=False)]
    return [round(s + (transition_s if i < len(spans) - 1 else 0.0), 3)
            for i, s in enumerate(spans)]
