"""Font choice for scene text and captions, from the bundled Roboto files."""

from __future__ import annotations

from pathlib import Path

from app.media.captions import Timed, write_ass
from app.media.presets import frame_for
from app.media.text import render_text
from app.media.timeline import Captions, TextOverlay

FRAME = frame_for("square", "standard")


def _width(font: str) -> int:
    text = TextOverlay.model_validate({"text": "Brand", "size": 120, "font": font})
    return render_text(text, FRAME).image.width


def test_condensed_text_is_narrower_and_italic_is_another_face() -> None:
    upright, condensed = _width("roboto"), _width("roboto-condensed")
    assert condensed < 0.9 * upright
    plain = render_text(TextOverlay(text="Brand", size=120), FRAME).image
    slanted = render_text(TextOverlay(text="Brand", size=120, font="roboto-italic"), FRAME).image
    assert plain.tobytes() != slanted.tobytes()


def _style(tmp_path: Path, **fields: object) -> list[str]:
    captions = Captions.model_validate({"script": "hello there", **fields})
    path = tmp_path / "c.ass"
    write_ass(captions, [Timed("hello", 0, 1)], FRAME, path, 2.0)
    line = next(x for x in path.read_text().splitlines() if x.startswith("Style: "))
    return line.removeprefix("Style: ").split(",")


def test_caption_style_carries_font_choice(tmp_path: Path) -> None:
    # Format: Name, Fontname, Fontsize, 4 colours, Bold, Italic, Underline, StrikeOut, ScaleX
    default = _style(tmp_path)
    assert (default[7], default[8], default[11]) == ("-1", "0", "100")
    italic = _style(tmp_path, font="roboto-italic", bold=False)
    assert (italic[7], italic[8], italic[11]) == ("0", "-1", "100")
    condensed = _style(tmp_path, font="roboto-condensed")
    assert (condensed[8], condensed[11]) == ("0", "75")
