"""The one interface every speech provider implements."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from app.speech.models import Speech, Voice


class SpeechProvider(Protocol):
    """Text in, WAV file and word timings out; raises SpeechError or SpeechTransientError."""

    name: str

    def synthesize(
        self,
        text: str,
        voice: str | None = None,
        *,
        out_path: Path,
        rate_wpm: int | None = None,
        pitch: int | None = None,
    ) -> Speech:
        """Speak `text` into a WAV file at `out_path` (None: the provider's default voice)."""
        ...

    def voices(self) -> list[Voice]:
        """The voices this provider offers."""
        ...
