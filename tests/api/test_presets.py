"""GET /presets and /qualities, the timeline schema's enums and the renderer's registry agree."""

from __future__ import annotations

from app.core.platforms import SPECS
from app.media.presets import PRESETS, QUALITY_SCALE, frame_for
from tests.support.fixtures import Account


def test_presets_match_the_schema_and_the_renderer(account: Account) -> None:
    listed = account.client.get("/api/v1/presets")
    assert listed.status_code == 200, listed.text
    spec = account.client.get("/api/v1/openapi.json").json()
    enum = spec["components"]["schemas"]["Output"]["properties"]["preset"]["enum"]
    presets = listed.json()
    assert [p["name"] for p in presets] == enum == list(PRESETS)
    for preset in presets:
        frame = frame_for(preset["name"], "standard")
        assert (preset["width"], preset["height"]) == (frame.width, frame.height)
        assert preset["safe"] == {"top": frame.safe.top, "bottom": frame.safe.bottom,
                                  "left": frame.safe.left, "right": frame.safe.right}
        assert preset["platform"] == (preset["name"] in SPECS)
    tiktok = next(p for p in presets if p["name"] == "tiktok")
    assert tiktok["label"] == "TikTok" and tiktok["safe"]["bottom"] == 480


def test_qualities_in_order(account: Account) -> None:
    listed = account.client.get("/api/v1/qualities").json()
    assert [q["name"] for q in listed] == list(QUALITY_SCALE) == ["draft", "standard", "high",
                                                                    "ultra"]
    assert listed[0]["scale"] == 0.5
    assert account.client.get("/api/v1/presets", headers={"Authorization": ""}).status_code \
        == 401
