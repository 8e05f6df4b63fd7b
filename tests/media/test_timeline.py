"""The timeline model: validation messages, the exported schema and the frame plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.media import SpecError, Timeline, json_schema, make_plan, parse_timeline
from app.media.presets import PRESETS, frame_for
from app.media.transition_kinds import RANDOM_POOL
from tests.media.colours import BLUE, GREEN, RED

ROOT = Path(__file__).resolve().parents[2]


def timeline(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "scenes": [
            {"kind": "image", "asset": "a.png", "duration_s": 2},
            {"kind": "image", "asset": "b.png", "duration_s": 2},
            {"kind": "card", "duration_s": 2, "text": {"text": "Bye"}},
        ],
        "output": {"preset": "square", "quality": "draft", "fps": 30},
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (timeline(scenes=[]), "scenes"),
        ({"scenes": [{"kind": "image", "asset": "a", "duration_s": -1}]}, "scenes.0.duration_s"),
        ({"scenes": [{"kind": "image", "asset": "a"}, {"kind": "card", "duration_s": "x"}]},
         "scenes.1.duration_s"),
        ({"scenes": [{"kind": "photo", "asset": "a"}]}, "scenes.0"),
        ({"scenes": [{"kind": "image", "asset": "a", "fit": "stretch"}]}, "scenes.0.fit"),
        ({"scenes": [{"kind": "image", "asset": "a", "motion": {"kind": "spin"}}]},
         "scenes.0.motion.kind"),
        ({"scenes": [{"kind": "card", "text": {"text": "x", "color": "white"}}]},
         "scenes.0.text.color"),
        ({"scenes": [{"kind": "video", "asset": "v", "in_s": 3, "out_s": 2}]}, "scenes.0.out_s"),
        (timeline(transition={"kind": "fade", "duration_s": 2}), "transition.duration_s"),
        (timeline(scenes=[{"kind": "card", "duration_s": 1,
                           "transition": {"kind": "wipeleft", "duration_s": 1.5}},
                          {"kind": "card", "duration_s": 3}]),
         "scenes.0.transition.duration_s"),
        (timeline(transition={"kind": "dissolve", "duration_s": 0}), "transition.duration_s"),
        (timeline(transition={"kind": "spin"}), "transition.kind"),
        (timeline(output={"preset": "vine"}), "output.preset"),
        (timeline(output={"fps": 29}), "output.fps"),
        (timeline(output={"codec": "vp9"}), "output.codec"),
        (timeline(captions={"script": "a", "words": []}), "captions"),
        (timeline(captions={"style": "plain"}), "captions"),
        (timeline(captions={"words": [{"text": "a", "start_s": 1, "end_s": 0.5}]}),
         "captions.words.0.end_s"),
        (timeline(audio={}), "audio"),
        (timeline(audio={"music": {"asset": "m", "volume_db": 99}}), "audio.music.volume_db"),
        (timeline(extra=1), "extra"),
    ],
)
def test_invalid_timelines_name_the_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_timeline(data)
    assert caught.value.field == field, caught.value
    assert str(caught.value).startswith(f"{field}: ")


def test_schema_file_is_current_and_describes_scenes() -> None:
    text = json_schema()
    assert (ROOT / "docs" / "timeline.schema.json").read_text() == text
    schema = json.loads(text)
    assert set(schema["properties"]) >= {"scenes", "transition", "audio", "captions", "output"}
    kinds = schema["$defs"]["Transition"]["properties"]["kind"]["enum"]
    assert len(set(kinds) - {"none", "random"}) >= 12
    assert schema["$defs"]["Output"]["properties"]["preset"]["enum"] == list(PRESETS)


def test_presets_and_qualities() -> None:
    assert (frame_for("tiktok", "standard").width, frame_for("tiktok", "standard").height) == (
        1080, 1920)
    assert (frame_for("youtube", "ultra").width, frame_for("youtube", "ultra").height) == (
        3840, 2160)
    draft = frame_for("portrait", "draft")
    assert (draft.width, draft.height) == (540, 676)  # even sides for yuv420p
    assert draft.safe.bottom == PRESETS["portrait"].safe.bottom // 2


def _files(make_image: Callable[..., Path]) -> None:
    make_image(RED, name="a.png")
    make_image(GREEN, name="b.png")
    make_image(BLUE, name="c.png")


def test_plan_counts_whole_frames(
    make_image: Callable[..., Path], resolver: Callable[[str], Path]
) -> None:
    _files(make_image)
    data = timeline(scenes=[{"kind": "image", "asset": n, "duration_s": 1.01}
                            for n in ("a.png", "b.png", "c.png")])
    plan = make_plan(parse_timeline(data), resolver)
    # 1.01 s at 30 fps is 30.3 frames: boundaries round on the cumulative line (30, 61, 91).
    assert [s.frames for s in plan.scenes] == [30, 31, 30]
    assert plan.transitions == (("fade", 15), ("fade", 15))
    assert plan.total_frames == 91 - 30
    assert plan.start_frame(2) == 30 + 31 - 30


@pytest.mark.parametrize("target", [4.0, 9.5, 20.0])
def test_target_duration_is_exact(
    target: float, make_image: Callable[..., Path], resolver: Callable[[str], Path]
) -> None:
    _files(make_image)
    data = timeline(output={"preset": "square", "quality": "draft", "fps": 25,
                            "duration_s": target})
    plan = make_plan(parse_timeline(data), resolver)
    assert plan.total_frames == round(target * 25)
    frames = [s.frames for s in plan.scenes]
    assert max(frames) - min(frames) <= 1  # equal scenes stay equal


def test_target_too_short_is_refused(
    make_image: Callable[..., Path], resolver: Callable[[str], Path]
) -> None:
    _files(make_image)
    data = timeline(output={"preset": "square", "duration_s": 0.5})
    with pytest.raises(SpecError) as caught:
        make_plan(parse_timeline(data), resolver)
    assert caught.value.field == "transition.duration_s"


def test_random_transitions_are_reproducible(
    make_image: Callable[..., Path], resolver: Callable[[str], Path]
) -> None:
    _files(make_image)
    scenes = [{"kind": "image", "asset": "a.png", "duration_s": 1}] * 12

    def kinds(seed: int) -> list[str]:
        data = timeline(scenes=scenes, seed=seed, transition={"kind": "random"})
        return [k for k, _ in make_plan(parse_timeline(data), resolver).transitions]

    assert kinds(7) == kinds(7)
    assert kinds(7) != kinds(8)
    assert set(kinds(7)) <= set(RANDOM_POOL) and len(set(kinds(7))) > 3


def test_unknown_and_unreadable_assets(
    make_image: Callable[..., Path], resolver: Callable[[str], Path], tmp_path: Path
) -> None:
    _files(make_image)
    (tmp_path / "inputs" / "notes.png").write_text("not an image")
    cases = [
        (timeline(scenes=[{"kind": "image", "asset": "a.png"},
                          {"kind": "image", "asset": "missing.png"}]), "scenes.1.asset"),
        (timeline(scenes=[{"kind": "image", "asset": "notes.png"}]), "scenes.0.asset"),
        (timeline(scenes=[{"kind": "video", "asset": "a.png"}]), "scenes.0.asset"),
        (timeline(audio={"music": {"asset": "b.png"}}), "audio.music.asset"),
        (timeline(audio={"voice": {"asset": "nope.wav"}}), "audio.voice.asset"),
    ]
    for data, field in cases:
        with pytest.raises(SpecError) as caught:
            make_plan(parse_timeline(data), resolver)
        assert caught.value.field == field, caught.value


def test_voice_is_never_cut(
    make_image: Callable[..., Path], make_tone: Callable[..., Path],
    resolver: Callable[[str], Path]
) -> None:
    _files(make_image)
    voice = make_tone(8.0).name
    data = timeline(audio={"voice": {"asset": voice}})
    with pytest.raises(SpecError) as caught:
        make_plan(parse_timeline(data), resolver)
    assert caught.value.field == "audio.voice"
    fitted = timeline(audio={"voice": {"asset": voice}},
                      output={"preset": "square", "duration_s": 8.0})
    assert make_plan(parse_timeline(fitted), resolver).total_s == 8.0
    short = timeline(audio={"voice": {"asset": voice}},
                     output={"preset": "square", "duration_s": 7.0})
    with pytest.raises(SpecError) as caught:
        make_plan(parse_timeline(short), resolver)
    assert caught.value.field == "output.duration_s"


def test_asset_refs_list_every_reference() -> None:
    tl = Timeline.model_validate(timeline(audio={"voice": {"asset": "v"},
                                                 "music": {"asset": "m"}}))
    assert tl.asset_refs() == [
        ("scenes.0.asset", "a.png", "image"), ("scenes.1.asset", "b.png", "image"),
        ("audio.voice.asset", "v", "audio"), ("audio.music.asset", "m", "audio")]
