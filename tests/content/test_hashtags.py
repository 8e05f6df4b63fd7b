"""Hashtags: ranked, counted per platform, unique ignoring case, plain characters only."""

from __future__ import annotations

import re

import pytest

from app.content import PLATFORMS, Beat, Brief, Script, TemplateWriter, hashtags

TAG = re.compile(r"^#[A-Za-z0-9_]+$")
COUNTS = {"tiktok": (3, 5), "reels": (3, 10), "shorts": (3, 3), "youtube": (1, 15)}


@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.parametrize(
    "topic", ["black holes and neutron stars", "cats", "Café crème & croissants! 🥐",
              "How to save money in your 20s", "AI, ML & the future of work"]
)
def test_counts_characters_and_uniqueness(platform: str, topic: str) -> None:
    script = TemplateWriter().write(Brief(topic=topic, target_duration_s=45))
    for source in (topic, script):
        tags = hashtags(source, platform)  # type: ignore[arg-type]
        least, most = COUNTS[platform]
        assert least <= len(tags) <= most, tags
        assert all(TAG.match(t) for t in tags), tags
        lowered = [t.lower() for t in tags]
        assert len(set(lowered)) == len(lowered), tags


def test_topic_ranks_first_and_platform_tags_follow() -> None:
    assert hashtags("black holes and neutron stars", "tiktok") == [
        "#BlackHolesNeutronStars", "#BlackHoles", "#NeutronStars", "#black", "#fyp"]
    assert hashtags("black holes and neutron stars", "shorts") == [
        "#BlackHolesNeutronStars", "#BlackHoles", "#shorts"]
    assert hashtags("cats", "reels") == ["#cats", "#reels", "#explore"]
    assert hashtags("cats", "youtube") == ["#cats"]


def test_accents_and_symbols_are_folded_away() -> None:
    tags = hashtags("Café crème & croissants! 🥐", "tiktok")
    assert tags[0] == "#CafeCremeCroissants"
    assert "#cafe" in [t.lower() for t in tags]


def test_script_keywords_that_recur_become_tags() -> None:
    beats = [
        Beat(text="Telescopes caught the first image.", scene_text="First image",
             keywords=["telescope", "event horizon"]),
        Beat(text="The event horizon is where light stops.", scene_text="No way back",
             keywords=["event horizon", "light"]),
        Beat(text="Nothing escapes.", scene_text="Nothing escapes", keywords=["darkness"]),
    ]
    script = Script(hook="Ever seen a black hole?", beats=beats, call_to_action="Follow.",
                    topic="black holes")
    tags = hashtags(script, "youtube")
    assert tags[0] == "#BlackHoles"
    assert "#EventHorizon" in tags  # in two beats and said twice
    assert "#light" in tags  # said in the narration
    assert "#darkness" not in tags  # one beat, never said
