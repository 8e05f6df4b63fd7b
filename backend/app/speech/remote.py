"""What the HTTP speech providers share: error mapping, text chunking, stitching the audio."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.core.http import HttpFailure
from app.speech.errors import SpeechError, SpeechTransientError
from app.speech.models import WordTiming

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class Rendered:
    """Audio of one request: 16-bit PCM frames and, when the service aligns, word timings."""

    frames: bytes
    sample_rate_hz: int
    channels: int
    words: list[WordTiming] | None

    @property
    def duration_s(self) -> float:
        return len(self.frames) / (2 * self.channels * self.sample_rate_hz)


def failure_error(exc: HttpFailure, service: str) -> SpeechError | SpeechTransientError:
    """Map an HTTP failure onto the permanent or transient speech error (`tts_<kind>`)."""
    code = f"tts_{exc.kind}"
    if exc.status is None:
        return SpeechTransientError(code, f"{service}: {exc}")
    if exc.retryable:
        return SpeechTransientError(code, f"{service}: {exc}", exc.retry_after_s)
    if exc.kind == "auth":
        return SpeechError(code, f"{service} refused the request ({exc.status}): "
                           f"{exc.body[:300]}")
    if exc.kind == "not_found":
        return SpeechError(code, f"{service}: no such voice or model (404)")
    return SpeechError(code, f"{service}: {exc}")


def speed_for(rate_wpm: int, natural_wpm: float, low: float, high: float) -> float:
    """The speed factor a service takes for `rate_wpm`, or SpeechError outside its range."""
    speed = rate_wpm / natural_wpm
    if not low <= speed <= high:
        raise SpeechError("bad_rate", f"rate_wpm: {rate_wpm} is outside "
                          f"{low * natural_wpm:g}-{high * natural_wpm:g} for this service")
    return round(speed, 3)


def split_text(text: str, max_chars: int) -> list[str]:
    """`text` in pieces of at most `max_chars`, cut after sentences, else between words."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text.strip()):
        for part in _fit(sentence, max_chars):
            if current and len(current) + 1 + len(part) > max_chars:
                pieces.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
    if current:
        pieces.append(current)
    return pieces


def _fit(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    parts, current = [], ""
    for word in sentence.split():
        if current and len(current) + 1 + len(word) > max_chars:
            parts.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        parts.append(current)
    # A single "word" longer than the limit (a URL, a hash) is cut where it must be.
    return [p[i:i + max_chars] for p in parts for i in range(0, len(p), max_chars)]


def render_long(text: str, max_chars: int, render: Callable[[str], Rendered]) -> Rendered:
    """Render `text` in as many requests as the service's input limit needs, then join them."""
    pieces = [render(piece) for piece in split_text(text, max_chars)]
    first = pieces[0]
    if any((p.sample_rate_hz, p.channels) != (first.sample_rate_hz, first.channels)
           for p in pieces):
        raise SpeechError("unsupported_audio", "the service changed audio format between parts")
    words: list[WordTiming] | None = []
    offset = 0.0
    for piece in pieces:
        if piece.words is None or words is None:
            words = None
        else:
            words += [WordTiming(w, round(a + offset, 3), round(b + offset, 3))
                      for w, a, b in piece.words]
        offset += piece.duration_s
    return Rendered(b"".join(p.frames for p in pieces), first.sample_rate_hz, first.channels,
                    words)
