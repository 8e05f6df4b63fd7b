"""What a script writer takes (Brief) and gives back (ScriptDraft, Script), with validation."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)

# the platforms' registry; app.content re-exports PLATFORMS and Platform
from app.core.platforms import DEFAULT as DEFAULT_PLATFORM
from app.core.platforms import PLATFORMS as PLATFORMS
from app.core.platforms import Platform as Platform
from app.core.text import count_words

Tone = Literal["informative", "funny", "dramatic", "inspirational"]
TONES: tuple[Tone, ...] = ("informative", "funny", "dramatic", "inspirational")

MIN_BEATS = 3
MAX_BEATS = 7
# A 5-minute narration is the longest a short-form platform plays without a break.
MAX_TARGET_DURATION_S = 300.0
# A hook, three beats and a call to action need about 30 words (12 s at 2.5 w/s).
MIN_TARGET_WORDS = 30

Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
# On-screen text has to be read in a second or two on a phone: about 6 words.
SceneLine = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Keyword = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class Brief(BaseModel):
    """What to write about, for whom, in which tone, for which platform and how long."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
    audience: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)
    ] = "curious viewers"
    tone: Tone = "informative"
    platform: Platform = DEFAULT_PLATFORM
    target_duration_s: float = Field(ge=5.0, le=MAX_TARGET_DURATION_S)
    # 2.5 words a second (150 wpm) is the usual pace of a voice-over.
    words_per_second: float = Field(default=2.5, ge=1.0, le=4.5)
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")] = "en"
    seed: int = 0

    @model_validator(mode="after")
    def _long_enough(self) -> Brief:
        if self.target_duration_s * self.words_per_second < MIN_TARGET_WORDS:
            raise ValueError(
                f"target_duration_s x words_per_second must give at least {MIN_TARGET_WORDS} "
                f"words, got {self.target_duration_s * self.words_per_second:g}"
            )
        return self

    @property
    def target_words(self) -> int:
        """Narration length in words that fills target_duration_s at words_per_second."""
        return max(1, round(self.target_duration_s * self.words_per_second))


class Beat(BaseModel):
    """One scene of the video: what is said, what is shown as text, what footage to search."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
    scene_text: SceneLine
    keywords: list[Keyword] = Field(min_length=1, max_length=8)


class ScriptDraft(BaseModel):
    """The authored part of a script: the structured-output contract given to an LLM."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    hook: Line
    beats: list[Beat] = Field(min_length=MIN_BEATS, max_length=MAX_BEATS)
    call_to_action: Line


class Script(ScriptDraft):
    """A finished script: the draft plus its topic, pace and the figures derived from them."""

    topic: str
    language: str = "en"
    words_per_second: float = Field(default=2.5, ge=1.0, le=4.5)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def narration(self) -> str:
        """Everything the voice reads, in order: hook, beats, call to action."""
        return " ".join([self.hook, *(b.text for b in self.beats), self.call_to_action])

    @computed_field  # type: ignore[prop-decorator]
    @property
    def word_count(self) -> int:
        """Words in the narration."""
        return count_words(self.narration)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def estimated_duration_s(self) -> float:
        """Narration length at words_per_second, in seconds (two decimals)."""
        return round(self.word_count / self.words_per_second, 2)

    @classmethod
    def from_draft(cls, draft: ScriptDraft, brief: Brief) -> Script:
        """Attach a brief's topic, language and pace to an authored draft."""
        return cls(
            hook=draft.hook,
            beats=draft.beats,
            call_to_action=draft.call_to_action,
            topic=brief.topic,
            language=brief.language,
            words_per_second=brief.words_per_second,
        )
