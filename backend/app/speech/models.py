"""What a speech provider gives back: the voice-over file, its length and its word timings."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict

Gender = Literal["male", "female"]


class WordTiming(NamedTuple):
    """One spoken word and when it is heard, in seconds from the start of the file."""

    word: str
    start_s: float
    end_s: float


class Voice(BaseModel):
    """A voice a provider can speak with; `id` is what synthesize() takes."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    language: str  # BCP 47-ish tag ("en-us"), or "multi" for voices that speak many
    gender: Gender | None = None
    provider: str


class Speech(BaseModel):
    """A synthesized voice-over: a 16-bit PCM WAV at `path` and when each word is spoken."""

    model_config = ConfigDict(frozen=True)

    path: Path
    duration_s: float
    sample_rate_hz: int
    words: list[WordTiming]
    provider: str
    voice: str
    # `aligned`: times reported by the engine; `estimated`: derived from the audio itself.
    timing: Literal["aligned", "estimated"]
