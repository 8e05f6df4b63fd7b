"""The platform registry (app/core/platforms.py) is what every reader sees: the API's enum,
the render presets, the hashtag rules, the upload limits, the calls to action and the
progress labels all come from one entry per platform."""

from __future__ import annotations

from typing import get_args

from app.content import PLATFORMS, Brief
from app.content.hashtags import RULES
from app.content.phrases import CTAS
from app.core import platforms
from app.core.platforms import SPECS, Platform
from app.media.presets import PRESETS
from app.media.timeline import Output
from app.schemas.workflow import WorkflowSubmit
from app.services.workflows.plan import label


def test_one_entry_per_platform_in_the_order_of_the_enum() -> None:
    assert tuple(SPECS) == get_args(Platform) == PLATFORMS == ("tiktok", "reels", "shorts",
                                                               "youtube")
    assert all(spec.name == name for name, spec in SPECS.items())
    assert platforms.DEFAULT in SPECS and Brief.model_fields["platform"].default == "tiktok"


def test_the_api_and_the_render_presets_list_the_registry() -> None:
    schema = WorkflowSubmit.model_json_schema()
    assert schema["properties"]["platforms"]["items"]["enum"] == list(PLATFORMS)
    preset_enum = Output.model_json_schema()["properties"]["preset"]["enum"]
    assert preset_enum[: len(PLATFORMS)] == list(PLATFORMS)
    assert preset_enum == list(PRESETS)


def test_presets_hashtags_and_calls_to_action_come_from_each_entry() -> None:
    for name, spec in SPECS.items():
        preset = PRESETS[name]
        assert (preset.width, preset.height, preset.safe, preset.caption_size) == (
            spec.width, spec.height, spec.safe, spec.caption_size)
        assert RULES[name] is spec.hashtags
        assert 0 < spec.hashtags.least <= spec.hashtags.most
        assert spec.hashtags.reserved <= len(spec.hashtags.own)
        assert CTAS[name], f"content/phrases.py has no calls to action for {name}"
    assert set(CTAS) == set(SPECS)


def test_progress_labels_name_the_platform_as_people_write_it() -> None:
    assert label("optimize", "optimize:youtube") == "optimising for YouTube"
    assert label("optimize", "optimize:myspace") == "optimising for myspace"
