"""Figures about a script: readability, hook strength, fit to the target duration."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from app.content.models import Script
from app.core.text import count_sentences, count_syllables, count_words, words

# Silent reading pace of adult English non-fiction (Brysbaert 2019, J. Memory & Language).
READING_WPM = 238
HOOK_MAX_WORDS = 12
POINTS_PER_FEATURE = 20  # five features, 100 points in all

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty hundred thousand "
    "million billion first second third half".split()
)
SECOND_PERSON = frozenset("you your you're yours yourself you'll you've you'd".split())
POWER_WORDS = frozenset(
    """secret secrets mistake mistakes never stop truth nobody everyone proven instantly
    shocking warning surprising hidden free easy simple fast quick ultimate best worst only
    finally real actually crazy wrong change changes everything dark""".split()
)


class HookScore(BaseModel):
    """Hook strength 0-100: 20 points per feature present."""

    model_config = ConfigDict(frozen=True)

    score: int
    word_count: int
    is_question: bool
    has_number: bool
    second_person: bool
    short: bool  # at most HOOK_MAX_WORDS words
    power_words: list[str]


class Analysis(BaseModel):
    """Readability (Flesch), hook score, duration fit and reading time of one script."""

    model_config = ConfigDict(frozen=True)

    word_count: int
    sentence_count: int
    syllable_count: int
    words_per_sentence: float
    syllables_per_word: float
    flesch_reading_ease: float
    flesch_kincaid_grade: float
    hook: HookScore
    target_duration_s: float
    estimated_duration_s: float
    duration_fit_ratio: float  # estimated / target: 1.0 fits exactly
    duration_diff_s: float  # estimated - target: positive runs long
    reading_time_s: float  # silent reading at READING_WPM, for on-screen text


def flesch(text: str) -> tuple[float, float]:
    """(reading ease, Flesch-Kincaid grade) of `text` (Flesch 1948; Kincaid et al. 1975)."""
    n_words = max(1, count_words(text))
    wps = n_words / count_sentences(text)
    spw = count_syllables(text) / n_words
    return 206.835 - 1.015 * wps - 84.6 * spw, 0.39 * wps + 11.8 * spw - 15.59


def score_hook(hook: str) -> HookScore:
    """Measure the features that make a first line stop the scroll."""
    lowered = [w.lower().replace("’", "'") for w in words(hook)]
    is_question = "?" in hook
    has_number = bool(re.search(r"\d", hook)) or any(w in NUMBER_WORDS for w in lowered)
    second_person = any(w in SECOND_PERSON for w in lowered)
    short = len(lowered) <= HOOK_MAX_WORDS
    power = sorted({w for w in lowered if w in POWER_WORDS})
    present = [is_question, has_number, second_person, short, bool(power)]
    return HookScore(
        score=POINTS_PER_FEATURE * sum(present),
        word_count=len(lowered),
        is_question=is_question,
        has_number=has_number,
        second_person=second_person,
        short=short,
        power_words=power,
    )


def analyze(script: Script, target_duration_s: float, wps: float | None = None) -> Analysis:
    """Figures for `script` against a target length; `wps` defaults to the script's own pace."""
    if target_duration_s <= 0:
        raise ValueError("target_duration_s must be positive")
    pace = wps if wps is not None else script.words_per_second
    if pace <= 0:
        raise ValueError("wps must be positive")
    text = script.narration
    n_words = count_words(text)
    n_sentences = count_sentences(text)
    n_syllables = count_syllables(text)
    ease, grade = flesch(text)
    estimated = n_words / pace
    return Analysis(
        word_count=n_words,
        sentence_count=n_sentences,
        syllable_count=n_syllables,
        words_per_sentence=round(n_words / n_sentences, 2),
        syllables_per_word=round(n_syllables / max(1, n_words), 3),
        flesch_reading_ease=round(ease, 2),
        flesch_kincaid_grade=round(grade, 2),
        hook=score_hook(script.hook),
        target_duration_s=target_duration_s,
        estimated_duration_s=round(estimated, 2),
        duration_fit_ratio=round(estimated / target_duration_s, 3),
        duration_diff_s=round(estimated - target_duration_s, 2),
        reading_time_s=round(n_words / READING_WPM * 60, 2),
    )
