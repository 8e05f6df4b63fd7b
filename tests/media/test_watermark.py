"""The watermark: validated like every field, blended where and how the timeline says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.media import SpecError, make_plan, parse_timeline, render_timeline
from tests.media.colours import RED, RGB
from tests.media.frames import close, images

Resolver = Callable[[str], Path]
GREY: RGB = (64, 64, 64)
SIDE = 540  # the square preset at draft quality


def timeline(**watermark: Any) -> dict[str, Any]:
    return {"scenes": [{"kind": "card", "color": "#404040", "duration_s": 1.0},
                       {"kind": "card", "color": "#404040", "duration_s": 1.0}],
            "transition": {"kind": "fade", "duration_s": 0.4},
            "watermark": {"asset": "logo.png", **watermark},
            "output": {"preset": "square", "quality": "draft", "fps": 30}}


@pytest.mark.parametrize(("watermark", "field"), [
    ({"position": "middle"}, "watermark.position"),
    ({"opacity": 1.5}, "watermark.opacity"),
    ({"opacity": 0}, "watermark.opacity"),
    ({"scale": 0}, "watermark.scale"),
    ({"margin": 0.5}, "watermark.margin"),
    ({"scale": 0.9, "margin": 0.2}, "watermark.margin"),
    ({"asset": ""}, "watermark.asset"),
])
def test_invalid_watermarks_name_the_field(watermark: dict[str, Any], field: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_timeline(timeline(**watermark))
    assert caught.value.field == field, caught.value


def test_a_watermark_that_is_not_an_image_is_refused(resolver: Resolver,
                                                     tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    (tmp_path / "inputs" / "logo.png").write_bytes(b"not a picture")
    with pytest.raises(SpecError) as caught:
        make_plan(parse_timeline(timeline()), resolver)
    assert caught.value.field == "watermark.asset"


def _logo(path: Path) -> None:
    """200 x 100: the left half opaque red, the right half fully transparent."""
    logo = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    logo.paste((*RED, 255), (0, 0, 100, 100))
    logo.save(path, "PNG")


def test_watermark_blends_over_every_frame_with_its_alpha(
        resolver: Resolver, tmp_path: Path, out_dir: Path) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    _logo(tmp_path / "inputs" / "logo.png")
    out = out_dir / "marked.mp4"
    render_timeline(parse_timeline(timeline(position="bottom_right", opacity=0.5, scale=0.25,
                                            margin=0.05)), resolver, out)
    # The logo is 135 x 68 px with its right and bottom edges 27 px (5 %) from the frame's.
    right, bottom = SIDE - 27, SIDE - 27
    left, top = right - 135, bottom - 68
    opaque = (left + 135 // 4, top + 34)
    clear = (left + 3 * 135 // 4, top + 34)
    half_red = tuple(round((r + g) / 2) for r, g in zip(RED, GREY, strict=True))
    frames = list(images(out))
    assert len(frames) == 48  # 2 x 30 frames less the 12 of the 0.4 s fade
    for image in frames[::5] + [frames[-1]]:
        assert close(image.getpixel(opaque), half_red), image.getpixel(opaque)
        assert close(image.getpixel(clear), GREY), image.getpixel(clear)
        for elsewhere in ((40, 40), (SIDE - 40, 40), (40, SIDE - 40), (SIDE // 2, SIDE // 2),
                          (left - 20, top + 34), (left + 30, top - 20)):
            assert close(image.getpixel(elsewhere), GREY), (elsewhere,
                                                            image.getpixel(elsewhere))


@pytest.mark.parametrize(("position", "spot"), [
    ("top_left", (40, 30)), ("center", (SIDE // 2 - 20, SIDE // 2)),
])
def test_watermark_positions(position: str, spot: tuple[int, int], resolver: Resolver,
                             tmp_path: Path, out_dir: Path) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    _logo(tmp_path / "inputs" / "logo.png")
    out = out_dir / f"{position}.mp4"
    render_timeline(parse_timeline(timeline(position=position, opacity=1.0, scale=0.25,
                                            margin=0.05)), resolver, out)
    last = list(images(out))[-1]
    assert close(last.getpixel(spot), RED), last.getpixel(spot)
    assert close(last.getpixel((SIDE - 40, SIDE - 40)), GREY)
