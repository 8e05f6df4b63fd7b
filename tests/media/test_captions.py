"""Captions: timing from transcripts and scripts, the .ass file, and libass burning them in."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.media import parse_timeline, render_timeline
from app.media.captions import Timed, lines, spread, syllables, write_ass
from app.media.fonts import fonts_dir
from app.media.presets import frame_for
from app.media.timeline import Captions
from tests.media.frames import images

Resolver = Callable[[str], Path]
WORDS = [("Short", 0.2, 0.6), ("videos", 0.6, 1.0), ("made", 1.0, 1.3), ("simple!", 1.3, 1.9),
         ("Try", 2.6, 2.9), ("it", 2.9, 3.0)]


def test_syllables_and_spread() -> None:
    assert [syllables(w) for w in ("cat", "banana", "simple", "made", "beautiful")] == [
        1, 3, 2, 1, 3]
    words = spread("One two three. Video", 1.0, 5.0)
    assert words[0].start_s == 1.0 and words[-1].end_s == pytest.approx(5.0)
    assert [w.text for w in words] == ["One", "two", "three.", "Video"]
    # Longer words get more time; times never go backwards.
    assert words[3].end_s - words[3].start_s > words[0].end_s - words[0].start_s
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in zip(words, words[1:], strict=False))


def test_lines_split_at_limits_pauses_and_sentences() -> None:
    timed = [Timed(t, s, e) for t, s, e in WORDS]
    grouped = [[w.text for w in g] for g in lines(timed, 3)]
    assert grouped == [["Short", "videos", "made"], ["simple!"], ["Try", "it"]]


@pytest.mark.parametrize("style", ["plain", "boxed", "karaoke"])
def test_ass_file(style: str, tmp_path: Path) -> None:
    captions = Captions(words=[{"text": t, "start_s": s, "end_s": e}  # type: ignore[misc]
                               for t, s, e in [*WORDS, ("{\\b1}x", 3.0, 3.5)]], style=style)
    frame = frame_for("tiktok", "draft")
    path = tmp_path / "c.ass"
    timed = [Timed(w.text, w.start_s, w.end_s) for w in captions.words or ()]
    write_ass(captions, timed, frame, path, end_s=4.0)
    text = path.read_text()
    assert "PlayResX: 540" in text and "PlayResY: 960" in text
    style_line = next(ln for ln in text.splitlines() if ln.startswith("Style:"))
    fields = style_line.split(",")
    assert fields[1] == "Roboto"
    assert fields[15] == ("3" if style == "boxed" else "1")  # BorderStyle
    # Margins: the tiktok safe zone at half size (left 60, right 150, bottom 480).
    assert fields[-4:-1] == ["30", "75", "240"]
    events = [ln for ln in text.splitlines() if ln.startswith("Dialogue:")]
    assert len(events) == (len(WORDS) + 1 if style == "karaoke" else 2)
    assert "{\\b1}" not in text and "(/b1)x" in text  # user braces never become tags
    if style == "karaoke":
        assert events[1].count("{\\c&H00D4FF&}") == 1 and "videos{\\r}" in events[1]


def _render(style: str, resolver: Resolver, out: Path, **extra: Any) -> Path:
    data = {
        "scenes": [{"kind": "card", "color": "#000000", "duration_s": 3.5}],
        "captions": {"words": [{"text": t, "start_s": s, "end_s": e} for t, s, e in WORDS],
                     "style": style, "color": "#FFFFFF", "highlight": "#FFFF00", **extra},
        "output": {"preset": "tiktok", "quality": "draft", "fps": 25},
    }
    render_timeline(parse_timeline(data), resolver, out)
    return out


def _bright_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    mask = image.convert("L").point(lambda v: 255 if v > 100 else 0)
    return mask.getbbox()


def test_captions_are_burned_inside_the_safe_zone(
    resolver: Resolver, out_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    out = _render("plain", resolver, out_dir / "plain.mp4")
    frames = list(images(out))
    assert _bright_box(frames[2]) is None  # before the first word
    box = _bright_box(frames[20])  # 0.8 s: "Short videos made simple!" is up
    assert box is not None
    safe = frame_for("tiktok", "draft").safe
    left, top, right, bottom = box
    assert left >= safe.left and right <= 540 - safe.right
    assert top >= safe.top and bottom <= 960 - safe.bottom
    assert bottom > 960 - safe.bottom - 40  # sits on the bottom edge of the safe zone
    assert _bright_box(frames[int(2.3 * 25)]) is None  # the pause between lines


def test_karaoke_highlights_the_spoken_word(
    resolver: Resolver, out_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    out = _render("karaoke", resolver, out_dir / "k.mp4", max_words=4)
    frames = list(images(out))

    def yellow_x(image: Image.Image) -> float:
        xs = [x for x in range(0, 540, 2) for y in range(650, 730, 2)
              if (p := image.getpixel((x, y))) and isinstance(p, tuple)
              and p[0] > 180 and p[1] > 180 and p[2] < 90]
        assert xs, "no highlighted word"
        return sum(xs) / len(xs)

    # The highlight moves right word by word: "Short" (0.4 s), "made" (1.1 s).
    assert yellow_x(frames[10]) < yellow_x(frames[28]) - 40


def test_fonts_come_from_the_bundled_package() -> None:
    folder = fonts_dir()
    assert "site-packages" in str(folder) and any(folder.glob("Roboto*.ttf"))
