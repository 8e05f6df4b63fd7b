"""Word timings: estimated from the audio for engines that give none, or taken from an alignment.

Estimation, for a WAV and the text it speaks:

1. Level: RMS of 10 ms windows. A window is voiced above 6 % of the 95th-percentile level
   (about -24 dB) and above an absolute floor; unvoiced runs under 30 ms count as voiced.
   What remains unvoiced are pauses: between phrases, and the closures of stops (b, t, k)
   that often fall between words.
2. Phrases: punctuation (, . ; : ! ? and dashes) splits the words into phrases, since every
   engine pauses there. Each phrase break expects to sit where the running word weight puts
   it on the voiced time line; a dynamic programme matches breaks to pauses in order,
   rewarding long pauses near the expected place and leaving a break unmatched when no
   pause is near.
3. Words: inside each span between matched pauses, words share the voiced time in proportion
   to their weight, so no word is placed in silence; a word boundary within 80 ms of a pause
   inside the span moves onto that pause. A word's weight is its letter count (a proxy for
   its phones), times 1.5 for the last word of a phrase (phrase-final lengthening).

Measured against libespeak-ng's own word events on the same audio (template narrations,
130-220 wpm, tests/speech/test_espeak.py): word starts are off by 50-85 ms on average,
versus 100-145 ms when words are weighted by syllables with no final lengthening.
Times are in seconds, monotonic, and every word's window holds voiced audio.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.text import WORD, syllables
from app.speech.models import WordTiming
from app.speech.wav import WINDOW_S, Pcm, rms_windows

RELATIVE_THRESHOLD = 0.06
ABSOLUTE_FLOOR = 0.002  # -54 dBFS: quieter than any voice, louder than dither
MIN_PAUSE_S = 0.03
SNAP_S = 0.08
PAUSE_REWARD_PER_S = 10.0  # score of a pause: +1 per 100 ms of silence ...
DISTANCE_COST_PER_S = 2.0  # ... -1 per 500 ms away from where the break was expected
UNMATCHED_COST = 1.0
FINAL_LENGTHENING = 1.5  # fitted on espeak-ng narrations: 1.3 and 1.8 both do worse
EPSILON_S = 1e-9
_BREAK = re.compile(r"[,.;:!?\u2013\u2014]|\s-\s|\n")


@dataclass(frozen=True)
class Span:
    start_s: float
    end_s: float

    @property
    def length_s(self) -> float:
        return self.end_s - self.start_s


def voiced_spans(pcm: Pcm) -> list[Span]:
    """Runs of voiced audio, pauses shorter than MIN_PAUSE_S bridged."""
    levels = rms_windows(pcm)
    if not levels:
        return []
    loud = sorted(levels)[int(0.95 * (len(levels) - 1))]
    threshold = max(ABSOLUTE_FLOOR, RELATIVE_THRESHOLD * loud)
    spans: list[Span] = []
    for i, level in enumerate(levels):
        if level <= threshold:
            continue
        start, end = i * WINDOW_S, min((i + 1) * WINDOW_S, pcm.duration_s)
        if spans and start - spans[-1].end_s < MIN_PAUSE_S:
            spans[-1] = Span(spans[-1].start_s, end)
        else:
            spans.append(Span(start, end))
    return spans


class _Timeline:
    """Maps voiced time (pauses squeezed out) onto real time and back."""

    def __init__(self, spans: Sequence[Span]) -> None:
        self.spans = list(spans)
        self.cum = [0.0]
        for span in self.spans:
            self.cum.append(self.cum[-1] + span.length_s)

    @property
    def voiced_s(self) -> float:
        return self.cum[-1]

    def real(self, voiced: float, *, opening: bool) -> float:
        """Real time of a voiced instant; at a span edge an opening lands on the next span."""
        voiced = min(max(voiced, 0.0), self.voiced_s)
        # Sums of float shares miss a span edge by ~1e-16; within EPSILON_S counts as on it.
        if opening:
            k = bisect.bisect_right(self.cum, voiced + EPSILON_S) - 1
            k = min(k, len(self.spans) - 1)
        else:
            k = max(0, bisect.bisect_left(self.cum, voiced - EPSILON_S) - 1)
        return self.spans[k].start_s + (voiced - self.cum[k])

    def voiced(self, real: float) -> float:
        """Voiced time elapsed at a real instant."""
        k = bisect.bisect_right([s.start_s for s in self.spans], real) - 1
        if k < 0:
            return 0.0
        return self.cum[k] + min(real - self.spans[k].start_s, self.spans[k].length_s)


def _phrase_ends(text: str) -> tuple[list[str], list[int]]:
    """Words of `text` and the indices of those followed by a phrase break."""
    matches = list(WORD.finditer(text))
    ends = [i for i, (a, b) in enumerate(zip(matches, matches[1:], strict=False))
            if _BREAK.search(text[a.end():b.start()])]
    return [m.group() for m in matches], ends


def _match_breaks(expected: list[float], pauses: list[Span]) -> list[int | None]:
    """For each expected break time, the index of the pause it falls on (in order) or None."""
    k, g = len(expected), len(pauses)
    # best[b][j]: best score for breaks b.. using pauses j..; filled backwards.
    best = [[0.0] * (g + 1) for _ in range(k + 1)]
    for b in range(k - 1, -1, -1):
        best[b][g] = best[b + 1][g] - UNMATCHED_COST
        for j in range(g - 1, -1, -1):
            mid = (pauses[j].start_s + pauses[j].end_s) / 2
            take = (PAUSE_REWARD_PER_S * pauses[j].length_s
                    - DISTANCE_COST_PER_S * abs(expected[b] - mid) + best[b + 1][j + 1])
            best[b][j] = max(best[b][j + 1], take, best[b + 1][j] - UNMATCHED_COST)
    chosen: list[int | None] = []
    b, j = 0, 0
    while b < k:
        if j == g or best[b][j] == best[b + 1][j] - UNMATCHED_COST:
            chosen.append(None)
            b += 1
        elif best[b][j] == best[b][j + 1]:
            j += 1
        else:
            chosen.append(j)
            b, j = b + 1, j + 1
    return chosen


def weight(word: str) -> float:
    """Relative spoken length of a word: its letters (digits count as a spoken number)."""
    if word.isdigit():
        return 4.0 * syllables(word)
    return float(max(1, sum(c.isalnum() for c in word)))


def _weights(words: list[str], final: set[int]) -> list[float]:
    return [weight(w) * (FINAL_LENGTHENING if i in final else 1.0) for i, w in enumerate(words)]


def _spread(
    words: list[str], weights: list[float], span: Span, timeline: _Timeline
) -> list[WordTiming]:
    """Words over the voiced time inside `span`, in proportion to their weights."""
    start_v, end_v = timeline.voiced(span.start_s), timeline.voiced(span.end_s)
    total = sum(weights)
    out: list[WordTiming] = []
    acc = 0.0
    for i, (word, share) in enumerate(zip(words, weights, strict=True)):
        a = start_v + (end_v - start_v) * acc / total
        acc += share
        b = end_v if i == len(words) - 1 else start_v + (end_v - start_v) * acc / total
        out.append(WordTiming(word, timeline.real(a, opening=True),
                              timeline.real(b, opening=False)))
    return out


def _snap(timings: list[WordTiming], pauses: list[Span]) -> list[WordTiming]:
    """Move each word boundary onto a pause that lies within SNAP_S of it."""
    out = list(timings)
    for i in range(len(out) - 1):
        left, right = out[i], out[i + 1]
        boundary = right.start_s
        near = [p for p in pauses if p.start_s - SNAP_S <= boundary <= p.end_s + SNAP_S
                and p.start_s > left.start_s and p.end_s < right.end_s]
        if near:
            pause = min(near, key=lambda p: abs((p.start_s + p.end_s) / 2 - boundary))
            out[i] = left._replace(end_s=pause.start_s)
            out[i + 1] = right._replace(start_s=pause.end_s)
    return out


def estimate(text: str, pcm: Pcm) -> list[WordTiming]:
    """Word timings for `text` as spoken in `pcm` (method in the module docstring)."""
    words, ends = _phrase_ends(text)
    if not words:
        return []
    spans = voiced_spans(pcm) or [Span(0.0, pcm.duration_s)]
    timeline = _Timeline(spans)
    pauses = [Span(a.end_s, b.start_s) for a, b in zip(spans, spans[1:], strict=False)]
    weights = _weights(words, {*ends, len(words) - 1})
    total = sum(weights)
    expected = [timeline.real(timeline.voiced_s * sum(weights[: i + 1]) / total, opening=False)
                for i in ends]
    matched = _match_breaks(expected, pauses)
    timings: list[WordTiming] = []
    first, start = 0, spans[0].start_s
    for end_word, pause in zip([*ends, len(words) - 1], [*matched, None], strict=True):
        if pause is None and end_word != len(words) - 1:
            continue
        stop = spans[-1].end_s if pause is None else pauses[pause].start_s
        group = _spread(words[first:end_word + 1], weights[first:end_word + 1],
                        Span(start, stop), timeline)
        inner = [p for p in pauses if start < p.start_s and p.end_s < stop]
        timings += _snap(group, inner)
        first = end_word + 1
        start = spans[-1].end_s if pause is None else pauses[pause].end_s
    return [WordTiming(w, round(a, 3), round(b, 3)) for w, a, b in timings]


def from_alignment(
    characters: Sequence[str], starts_s: Sequence[float], ends_s: Sequence[float]
) -> list[WordTiming]:
    """Word timings from a per-character alignment (ElevenLabs `alignment`).

    A word is a maximal run of word characters (letters, digits, inner ' or -); it starts
    when its first character starts and ends when its last one ends. Punctuation and
    spaces between words belong to no word.
    """
    if not len(characters) == len(starts_s) == len(ends_s):
        raise ValueError("characters, starts and ends must have the same length")
    text = "".join(characters)
    # Map each character of the joined text back to its alignment entry (entries may be
    # longer than one character after normalisation).
    owner: list[int] = []
    for i, chunk in enumerate(characters):
        owner.extend([i] * len(chunk))
    return [
        WordTiming(m.group(), float(starts_s[owner[m.start()]]),
                   float(ends_s[owner[m.end() - 1]]))
        for m in WORD.finditer(text)
    ]
