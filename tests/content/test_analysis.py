"""Readability, hook and duration figures checked against values worked out by hand."""

from __future__ import annotations

import pytest

from app.content import Beat, Script, analyze, flesch, score_hook
from app.core.text import count_sentences, count_syllables, count_words, syllables


@pytest.mark.parametrize(
    ("word", "expected"),
    [("table", 2), ("make", 1), ("whale", 1), ("jumped", 1), ("wanted", 2), ("makes", 1),
     ("boxes", 2), ("places", 2), ("people", 2), ("beautiful", 3), ("the", 1), ("you", 1),
     ("vocabulary", 5), ("patience", 2), ("2024", 4), ("don't", 1)],
)
def test_syllable_heuristic(word: str, expected: int) -> None:
    assert syllables(word) == expected


def test_flesch_on_one_syllable_sentence() -> None:
    # 6 words, 1 sentence, 6 syllables:
    # ease  = 206.835 - 1.015 * 6 - 84.6 * 1 = 116.145
    # grade = 0.39 * 6 + 11.8 * 1 - 15.59   = -1.45
    ease, grade = flesch("The cat sat on the mat.")
    assert ease == pytest.approx(116.145)
    assert grade == pytest.approx(-1.45)


def test_flesch_on_two_sentences() -> None:
    text = "Reading improves your vocabulary. It also builds patience!"
    # syllables: read-ing 2, im-proves 2, your 1, vo-cab-u-lar-y 5, it 1, al-so 2,
    # builds 1, pa-tience 2 = 16 over 8 words and 2 sentences: 4 w/s, 2 syl/w.
    assert (count_words(text), count_sentences(text), count_syllables(text)) == (8, 2, 16)
    ease, grade = flesch(text)
    assert ease == pytest.approx(206.835 - 1.015 * 4 - 84.6 * 2)  # 33.575
    assert grade == pytest.approx(0.39 * 4 + 11.8 * 2 - 15.59)  # 9.57


def test_hook_features() -> None:
    full = score_hook("Did you know 3 secrets about sleep?")
    assert (full.is_question, full.has_number, full.second_person, full.short) == (
        True, True, True, True)
    assert full.power_words == ["secrets"]
    assert full.score == 100 and full.word_count == 7
    none = score_hook("This is a long sentence that keeps going and going without any special "
                      "features at all.")
    assert none.score == 0 and none.word_count == 16 and not none.short
    two = score_hook("Here are seven habits of calm people.")
    assert (two.has_number, two.short, two.score) == (True, True, 40)


def _script() -> Script:
    """A script of exactly 50 words: a 5-word hook and CTA, beats of 10, 15 and 15 words."""
    beats = [Beat(text=" ".join(["word"] * n) + ".", scene_text="Scene", keywords=["word"])
             for n in (10, 15, 15)]
    return Script(hook="One two three four five?", beats=beats,
                  call_to_action="Follow for more right now.", topic="words")


def test_duration_fit_and_reading_time() -> None:
    script = _script()
    result = analyze(script, 25.0, 2.5)
    assert result.word_count == 50
    assert result.estimated_duration_s == 20.0  # 50 words / 2.5 w/s
    assert result.duration_fit_ratio == 0.8
    assert result.duration_diff_s == -5.0
    assert result.reading_time_s == pytest.approx(12.61)  # 50 / 238 wpm * 60
    assert result.sentence_count == 5
    assert result.words_per_sentence == 10.0
    slow = analyze(script, 25.0, 2.0)
    assert (slow.estimated_duration_s, slow.duration_fit_ratio, slow.duration_diff_s) == (
        25.0, 1.0, 0.0)


def test_analyze_uses_the_script_pace_by_default() -> None:
    script = _script().model_copy(update={"words_per_second": 2.0})
    assert analyze(script, 30.0).estimated_duration_s == 25.0


def test_analyze_refuses_non_positive_inputs() -> None:
    with pytest.raises(ValueError, match="target_duration_s"):
        analyze(_script(), 0)
    with pytest.raises(ValueError, match="wps"):
        analyze(_script(), 30, 0)
