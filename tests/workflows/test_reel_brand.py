"""The render step's timeline from a brand kit: cards, fonts, captions, bookends, timing."""

from __future__ import annotations

import uuid
from typing import Any

from app.media.timeline import CardScene
from app.services.workers.reel_render import TAIL_S, build_timeline

SEGMENTS = [{"text": "one two", "card": "First"}, {"text": "three four", "card": "Second"}]
# Segments long enough that no scene is stretched to the minimum scene length.
VOICE = {"duration_s": 3.0, "words": [["one", 0.1, 0.5], ["two", 0.6, 1.2],
                                      ["three", 1.8, 2.2], ["four", 2.3, 2.9]]}
PARAMS = {"platform": "tiktok", "quality": "standard", "captions": "plain"}


def _timeline(brand: dict[str, Any] | None = None) -> Any:
    return build_timeline(SEGMENTS, VOICE, {**PARAMS, "brand": brand or {}})


def test_no_kit_keeps_the_reel_as_it_was() -> None:
    timeline = _timeline()
    assert len(timeline.scenes) == 2 and timeline.watermark is None
    assert timeline.audio.voice.start_s == 0 and timeline.audio.music is None
    assert timeline.captions.style == "plain" and timeline.captions.font == "roboto"
    assert timeline.output.duration_s == round(VOICE["duration_s"] + TAIL_S, 3)


def test_kit_colours_fonts_and_captions() -> None:
    timeline = _timeline({
        "fonts": {"family": "roboto-italic", "bold": False},
        "colors": {"primary": "#112233", "secondary": "#445566", "text": "#FFEE00"},
        "captions": {"style": "karaoke", "color": "#00FF00", "highlight": "#FF00FF",
                     "size": 90}})
    for scene in timeline.scenes:
        assert isinstance(scene, CardScene) and scene.gradient is not None
        assert scene.gradient.colors == ["#112233", "#445566"]
        assert scene.text is not None and scene.text.color == "#FFEE00"
        assert (scene.text.font, scene.text.bold) == ("roboto-italic", False)
    captions = timeline.captions
    assert (captions.style, captions.color, captions.highlight, captions.size) == (
        "karaoke", "#00FF00", "#FF00FF", 90)
    assert (captions.font, captions.bold) == ("roboto-italic", False)
    assert _timeline({"captions": {"style": "none"}}).captions is None


def test_intro_and_outro_shift_the_voice_and_add_their_length() -> None:
    logo, track = uuid.uuid4(), uuid.uuid4()
    timeline = _timeline({
        "intro": {"text": "Hello", "duration_s": 1.5, "background": "#0000FF"},
        "outro": {"text": "Bye", "duration_s": 2.0},
        "colors": {"primary": "#222222"},
        "watermark": {"asset_id": str(logo), "position": "top_left", "opacity": 0.4},
        "music": {"asset_id": str(track), "volume_db": -12, "duck": False}})
    first, *_, last = timeline.scenes
    transition = timeline.transition.duration_s
    assert isinstance(first, CardScene) and first.color == "#0000FF"
    assert first.text is not None and first.text.text == "Hello"
    assert first.duration_s == 1.5 + transition
    assert isinstance(last, CardScene) and last.gradient is not None
    assert last.gradient.colors == ["#222222", "#222222"] and last.duration_s == 2.0 + transition
    assert timeline.audio.voice.start_s == 1.5
    assert [w.start_s for w in timeline.captions.words] == [1.6, 2.1, 3.3, 3.8]
    assert timeline.output.duration_s == round(1.5 + VOICE["duration_s"] + TAIL_S + 2.0, 3)
    nominal = sum(s.duration_s for s in timeline.scenes) - transition * 3
    assert abs(nominal - timeline.output.duration_s) < 1e-6
    assert (timeline.watermark.asset, timeline.watermark.position,
            timeline.watermark.opacity) == (str(logo), "top_left", 0.4)
    music = timeline.audio.music
    assert (music.asset, music.volume_db, music.duck) == (str(track), -12, False)
