"""The offline writer: deterministic, sized to the target, varied, and readable copy."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from pydantic import ValidationError

from app.content import PLATFORMS, TONES, Brief, Script, TemplateWriter, variations
from app.core.text import STOP_WORDS, count_words

WRITER = TemplateWriter()
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def brief(**overrides: object) -> Brief:
    fields: dict[str, object] = {"topic": "black holes", "audience": "space fans",
                                 "target_duration_s": 30}
    fields.update(overrides)
    return Brief.model_validate(fields)


def test_same_brief_same_script() -> None:
    b = brief(tone="funny", seed=7)
    assert WRITER.write(b) == WRITER.write(b)
    assert WRITER.write(b).model_dump() == TemplateWriter().write(b).model_dump()


@pytest.mark.parametrize("tone", TONES)
@pytest.mark.parametrize("duration_s", [15, 30, 60])
def test_word_count_within_ten_percent_of_target(tone: str, duration_s: int) -> None:
    for platform in PLATFORMS:
        for seed in range(6):
            b = brief(tone=tone, platform=platform, target_duration_s=duration_s, seed=seed)
            script = WRITER.write(b)
            target = duration_s * b.words_per_second
            assert abs(script.word_count - target) <= 0.1 * target, script.narration
            assert script.word_count == count_words(script.narration)
            assert script.estimated_duration_s == pytest.approx(script.word_count / 2.5, abs=0.01)
            assert 3 <= len(script.beats) <= 7


@pytest.mark.parametrize("wps", [1.5, 3.5])
def test_sizing_follows_words_per_second(wps: float) -> None:
    b = brief(target_duration_s=60, words_per_second=wps)
    script = WRITER.write(b)
    assert abs(script.word_count - 60 * wps) <= 6 * wps
    assert script.estimated_duration_s == pytest.approx(script.word_count / wps, abs=0.01)


def test_copy_reads_like_copy() -> None:
    for tone in TONES:
        for seed in range(4):
            script = WRITER.write(brief(tone=tone, seed=seed, target_duration_s=60))
            text = script.narration
            assert "{" not in text and "}" not in text
            sentences = SENTENCE.split(text)
            assert all(s[0].isupper() or s[0].isdigit() for s in sentences), text
            assert all(s[-1] in ".!?" for s in sentences), text
            repeated = [s for s, k in Counter(sentences).items() if k > 1]
            assert not repeated, repeated
            assert "black holes" in text
            for beat in script.beats:
                assert 0 < len(beat.scene_text) <= 60


def test_tones_and_seeds_change_the_words() -> None:
    by_tone = {tone: WRITER.write(brief(tone=tone)).narration for tone in TONES}
    assert len(set(by_tone.values())) == len(TONES)
    hooks = {WRITER.write(brief(seed=seed)).hook for seed in range(8)}
    assert len(hooks) >= 4
    bodies = {WRITER.write(brief(seed=seed)).beats[0].text for seed in range(8)}
    assert len(bodies) >= 3


def test_each_tone_has_its_own_lines() -> None:
    """No sentence of a tone's hooks shows up in another tone's scripts."""
    seen: dict[str, set[str]] = {}
    for tone in TONES:
        seen[tone] = set()
        for seed in range(10):
            seen[tone].add(WRITER.write(brief(tone=tone, seed=seed)).hook)
    for tone in TONES:
        others = set().union(*(seen[t] for t in TONES if t != tone))
        assert not seen[tone] & others


def test_keywords_come_from_the_topic_without_stop_words() -> None:
    script = WRITER.write(brief(topic="the art of baking bread at home", target_duration_s=45))
    topic_words = {"art", "baking", "bread", "home"}
    for beat in script.beats:
        assert beat.keywords
        for keyword in beat.keywords:
            parts = keyword.split()
            assert not set(parts) & STOP_WORDS
            assert parts[0] in topic_words
    assert script.beats[0].keywords[0] == "art"
    assert "baking bread" in script.beats[0].keywords


def test_variations_differ_in_hook_and_call_to_action() -> None:
    b = brief(tone="inspirational", platform="reels", seed=3)
    variants = variations(b, 5)
    assert len({v.hook for v in variants}) == 5
    assert len({v.call_to_action for v in variants}) == 5
    plans = {tuple(beat.scene_text for beat in v.beats) for v in variants}
    assert len(plans) == 1
    assert variants == variations(b, 5)
    assert variants[0] == WRITER.write(b)
    for v in variants:
        assert abs(v.word_count - 75) <= 7.5


def test_variations_refuse_more_than_the_banks_hold() -> None:
    b = brief()
    with pytest.raises(ValueError, match="n must be between 1 and"):
        variations(b, WRITER.max_variants(b) + 1)


def test_brief_errors_name_the_field() -> None:
    with pytest.raises(ValidationError) as info:
        Brief.model_validate({"topic": "x" * 3, "tone": "sarcastic", "target_duration_s": 30})
    assert info.value.errors()[0]["loc"] == ("tone",)
    with pytest.raises(ValidationError, match="target_duration_s"):
        Brief(topic="black holes", target_duration_s=8)
    with pytest.raises(ValidationError) as info:
        Brief.model_validate({"topic": "black holes", "target_duration_s": 30,
                              "platform": "myspace"})
    assert info.value.errors()[0]["loc"] == ("platform",)


def test_script_needs_three_to_seven_beats() -> None:
    beat = {"text": "One line.", "scene_text": "One", "keywords": ["one"]}
    fields = {"hook": "Hook?", "call_to_action": "Follow.", "topic": "t"}
    with pytest.raises(ValidationError) as info:
        Script.model_validate({**fields, "beats": [beat, beat]})
    assert info.value.errors()[0]["loc"] == ("beats",)
    with pytest.raises(ValidationError) as info:
        Script.model_validate({**fields, "beats": [beat] * 8})
    assert info.value.errors()[0]["loc"] == ("beats",)
    with pytest.raises(ValidationError) as info:
        Script.model_validate({**fields, "beats": [beat, beat, {**beat, "scene_text": "x" * 61}]})
    assert info.value.errors()[0]["loc"] == ("beats", 2, "scene_text")


def test_script_round_trips_through_json() -> None:
    script = WRITER.write(brief())
    again = Script.model_validate_json(script.model_dump_json())
    assert again == script
    assert again.narration == script.narration
