"""`reelforge render` and `reelforge gallery` through the console entry point."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from app.cli import main
from app.media import probe
from tests.media.colours import BLUE, GREEN, RED


def _spec(tmp_path: Path, make_image: Callable[..., Path], *, wrapped: bool) -> Path:
    make_image(RED, name="red.png")
    make_image(GREEN, name="green.png")
    make_image(BLUE, name="blue.png")
    timeline = {
        "scenes": [{"kind": "image", "asset": "a", "duration_s": 1.0},
                   {"kind": "image", "asset": "inputs/green.png", "duration_s": 1.0},
                   {"kind": "image", "asset": "b", "duration_s": 1.0,
                    "text": {"text": "Bye", "animation": "none"}}],
        "output": {"preset": "youtube", "quality": "standard", "fps": 24},
    }
    data: dict[str, object] = timeline
    if wrapped:
        data = {"timeline": timeline,
                "assets": {"a": "inputs/red.png", "b": "inputs/blue.png"}}
    else:
        timeline["scenes"][0]["asset"] = "inputs/red.png"  # type: ignore[index]
        timeline["scenes"][2]["asset"] = "inputs/blue.png"  # type: ignore[index]
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("wrapped", [True, False])
def test_render_preview(wrapped: bool, make_image: Callable[..., Path], tmp_path: Path) -> None:
    spec = _spec(tmp_path, make_image, wrapped=wrapped)
    out = tmp_path / "out.mp4"
    assert main(["render", str(spec), "-o", str(out), "--preview"]) == 0
    info = probe(out)
    # --preview renders the youtube preset as a 960x540 draft.
    assert (info.width, info.height, info.fps) == (960, 540, 24.0)
    assert info.video_duration_s == pytest.approx(3 * 1.0 - 2 * 0.5, abs=1 / 24)


def test_gallery_writes_one_cell_per_scene(
    make_image: Callable[..., Path], tmp_path: Path
) -> None:
    spec = _spec(tmp_path, make_image, wrapped=True)
    out = tmp_path / "sheet.png"
    assert main(["gallery", str(spec), "-o", str(out)]) == 0
    with Image.open(out) as sheet:
        assert sheet.format == "PNG"
        # 3 cells of 216 x 122 (16:9) with 8 px padding and margins.
        assert sheet.size == (8 + 3 * (216 + 8), 8 + 122 + 8)
        rgb = sheet.convert("RGB")
        for k, colour in enumerate((RED, GREEN, BLUE)):
            x, y = 8 + k * 224 + 108, 8 + 80
            pixel = rgb.getpixel((x, y))
            assert isinstance(pixel, tuple)
            assert all(abs(a - b) < 30 for a, b in zip(pixel, colour, strict=True)), (k, pixel)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inputs", "sheet.png", "spec.json"]


def test_bad_spec_exits_2_naming_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "bad.json"
    spec.write_text(json.dumps({"scenes": [{"kind": "card", "duration_s": 0}]}))
    assert main(["render", str(spec), "-o", str(tmp_path / "x.mp4")]) == 2
    assert "scenes.0.duration_s" in capsys.readouterr().err
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"scenes": [{"kind": "image", "asset": "nope.png"}]}))
    assert main(["render", str(missing), "-o", str(tmp_path / "x.mp4")]) == 2
    assert "scenes.0.asset: asset 'nope.png' has no file" in capsys.readouterr().err
    assert not (tmp_path / "x.mp4").exists()


def test_render_in_segments_with_a_cache(make_image: Callable[..., Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    make_image(RED, name="red.png")
    make_image(BLUE, name="blue.png")
    scenes = [{"kind": "image", "asset": f"inputs/{('red', 'blue')[i % 2]}.png",
               "duration_s": 1.0, "transition": {"kind": "none"}} for i in range(12)]
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"scenes": scenes, "output": {"preset": "square",
                                                             "quality": "draft"}}))
    cache = tmp_path / "cache"
    args = ["render", str(spec), "-o", str(tmp_path / "a.mp4"), "--segments", "2",
            "--cache", str(cache)]
    assert main(args) == 0
    assert "2 segments (2 rendered, 0 from the cache)" in capsys.readouterr().out
    assert probe(tmp_path / "a.mp4").video_duration_s == pytest.approx(12.0, abs=1 / 30)
    assert main([*args[:3], str(tmp_path / "b.mp4"), *args[4:]]) == 0
    assert "2 segments (0 rendered, 2 from the cache)" in capsys.readouterr().out
    assert main(["render", str(spec), "-o", str(tmp_path / "c.mp4"), "--cache",
                 str(cache)]) == 2
    assert "--cache: only with --segments" in capsys.readouterr().err
