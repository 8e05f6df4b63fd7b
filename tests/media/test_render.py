"""Timeline renders checked on the output: frame counts, colours, fits, motion, text, clips."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

from app.media import frame_rgb_at, parse_timeline, probe, render_timeline
from app.media.compile import Workfiles, video_chain
from app.media.ffmpeg import run_graph
from app.media.graph import Graph
from app.media.plan import Plan, make_plan
from app.media.scenes import write_stills
from app.media.transition_kinds import BY_NAME, KINDS, Kind
from app.media.transitions import xfade
from tests.media.colours import BLUE, GREEN, RED
from tests.media.frames import centroid, close, column_profile, frame_count, images

Resolver = Callable[[str], Path]
DRAFT_SQUARE = {"preset": "square", "quality": "draft", "fps": 30}


def render(data: dict[str, Any], resolver: Resolver, out: Path) -> Path:
    data.setdefault("output", dict(DRAFT_SQUARE))
    render_timeline(parse_timeline(data), resolver, out)
    return out


def test_scenes_transitions_and_exact_length(
    make_image: Callable[..., Path], resolver: Resolver, out_dir: Path
) -> None:
    for name, colour in (("r.png", RED), ("g.jpg", GREEN), ("b.png", BLUE)):
        make_image(colour, (640, 480), "JPEG" if name.endswith("jpg") else "PNG", name=name)
    data = {"scenes": [{"kind": "image", "asset": n, "duration_s": 2.0}
                       for n in ("r.png", "g.jpg", "b.png")],
            "transition": {"kind": "fade", "duration_s": 0.5}}
    out = out_dir / "v.mp4"
    result = render_timeline(parse_timeline({**data, "output": DRAFT_SQUARE}), resolver, out)
    assert frame_count(out) == 3 * 60 - 2 * 15
    assert (result.width, result.height, result.fps) == (540, 540, 30.0)
    assert result.duration_s == pytest.approx(5.0, abs=1 / 30)
    assert result.encoder == "libx264" and not result.gpu and not result.has_audio
    for k, colour in enumerate((RED, GREEN, BLUE)):
        assert close(frame_rgb_at(out, k * 1.5 + 1.0), colour)
    r, g, _ = frame_rgb_at(out, 1.75)  # mid-fade: both colours
    assert 60 < r < 200 and 60 < g < 200
    assert sorted(p.name for p in out_dir.iterdir()) == ["v.mp4"]


def test_every_transition_kind_renders(
    make_image: Callable[..., Path], resolver: Resolver, out_dir: Path
) -> None:
    """One scene boundary per registry entry (cut and `random` included), in one render."""
    make_image(RED, (64, 64), name="r.png")
    make_image(BLUE, (64, 64), name="b.png")
    overlaps = [5 if k.blends else 0 for k in KINDS]
    scenes = [{"kind": "image", "asset": "r.png" if i % 2 == 0 else "b.png", "duration_s": 0.8,
               "transition": {"kind": k.name, "duration_s": 0.2}}
              for i, k in enumerate(KINDS)]
    scenes.append({"kind": "image", "asset": "r.png", "duration_s": 0.8})
    out = render({"scenes": scenes, "output": {**DRAFT_SQUARE, "preset": "square", "fps": 25}},
                 resolver, out_dir / "all.mp4")
    assert frame_count(out) == len(scenes) * 20 - sum(overlaps)
    start = 0
    for i in range(len(scenes)):
        # Each scene is alone on screen from 5 frames in to 5 frames before its end.
        colour = RED if i % 2 == 0 else BLUE
        name = KINDS[min(i, len(KINDS) - 1)].name
        assert close(frame_rgb_at(out, (start + 10) / 25), colour), (i, name)
        start += 20 - (overlaps[i] if i < len(overlaps) else 0)


def test_a_custom_expression_kind_draws_its_expression(
    out_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A registry entry may be an xfade expression rather than a built-in name."""
    # While it runs, the left half shows the second clip and the right half the first.
    kind = Kind("halves", "Halves", xfade="custom", expr="if(lt(X,W/2),B,A)")
    monkeypatch.setitem(BY_NAME, kind.name, kind)
    graph = Graph()
    (red,) = graph.add("color", {"c": "red", "s": "64x64", "r": 25, "d": 1}, outputs=["video"])
    (blue,) = graph.add("color", {"c": "blue", "s": "64x64", "r": 25, "d": 1}, outputs=["video"])
    joined = xfade(graph, graph.then(red, "format", ["yuv444p"]),
                   graph.then(blue, "format", ["yuv444p"]), kind.name, 20, 5, 25)
    graph.output(graph.then(joined, "format", ["yuv420p"]))
    out = out_dir / "halves.mp4"
    run_graph(graph, out, output_args=["-c:v", "libx264", "-f", "mp4"], total_s=1.0)
    frame = list(images(out))[12]  # inside the transition
    left = frame.crop((0, 0, 24, 64)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    right = frame.crop((40, 0, 64, 64)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert isinstance(left, tuple) and close(left[:3], (0, 0, 255), 30), left
    assert isinstance(right, tuple) and close(right[:3], (255, 0, 0), 30), right


def test_cut_and_overlapping_transitions(
    make_image: Callable[..., Path], resolver: Resolver, out_dir: Path
) -> None:
    make_image(RED, name="r.png")
    make_image(GREEN, name="g.png")
    scenes = [
        {"kind": "image", "asset": "r.png", "duration_s": 1.0, "transition": {"kind": "none"}},
        # 0.8 s scene with 0.5 s transitions on both sides: the chained-xfade path.
        {"kind": "image", "asset": "g.png", "duration_s": 0.8,
         "transition": {"kind": "dissolve", "duration_s": 0.5}},
        {"kind": "card", "color": "#0000FF", "duration_s": 1.0},
    ]
    out = render({"scenes": scenes, "transition": {"kind": "fade", "duration_s": 0.5}},
                 resolver, out_dir / "mixed.mp4")
    assert frame_count(out) == 30 + 24 + 30 - 15
    assert close(frame_rgb_at(out, 29 / 30), RED)  # a cut: pure up to the boundary
    assert close(frame_rgb_at(out, 31 / 30), GREEN)


def test_fit_modes(make_image: Callable[..., Path], resolver: Resolver, out_dir: Path) -> None:
    wide = make_image(BLUE, (800, 200), name="wide.png")
    with Image.open(wide) as im:
        im = im.convert("RGB")
        ImageDraw.Draw(im).rectangle((300, 0, 499, 199), fill=GREEN)
        im.save(wide)
    scenes = [{"kind": "image", "asset": "wide.png", "duration_s": 1, "fit": fit}
              for fit in ("cover", "contain", "fill")]
    out = render({"scenes": scenes, "transition": {"kind": "none"}}, resolver,
                 out_dir / "fit.mp4")
    # cover: the green middle fills the frame.
    assert close(frame_rgb_at(out, 0.5, region=0.3), GREEN)
    # contain: the whole strip in the middle, a dimmed blur of its centre above and below.
    frame = list(images(out))[45]
    top = frame.crop((0, 0, 540, 100)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert isinstance(top, tuple) and 120 < top[1] < 0.8 * 255 and top[2] < 60, top
    left = frame.crop((10, 250, 60, 290)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert isinstance(left, tuple) and close(left[:3], BLUE, 30)
    # fill: stretched, so the green band is the middle 25 % of the width.
    profile = column_profile(list(images(out))[75])
    green = [x for x, v in enumerate(profile) if v > 120]
    assert abs(min(green) - 540 * 3 / 8) < 4 and abs(max(green) - 540 * 5 / 8) < 4


def _bars(path: Path, xs: list[int]) -> None:
    im = Image.new("RGB", (1080, 1080), (0, 0, 0))
    draw = ImageDraw.Draw(im)
    for x in xs:
        draw.rectangle((x - 12, 0, x + 12, 1079), fill=(255, 255, 255))
    im.save(path)


def test_pan_moves_at_sub_pixel_steps(
    tmp_path: Path, resolver: Resolver, out_dir: Path
) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    _bars(tmp_path / "inputs" / "bar.png", [540])
    scene = {"kind": "image", "asset": "bar.png", "duration_s": 3,
             "motion": {"kind": "pan_left", "amount": 0.25}}
    out = render({"scenes": [scene]}, resolver, out_dir / "pan.mp4")
    xs = [centroid(column_profile(im)) for im in images(out)]
    steps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    # The picture moves left by (1.25 - 1) * 540 px over 89 frames: 1.52 px a frame.
    mean = statistics.fmean(steps)
    assert mean == pytest.approx(-135 / 89, rel=0.03)
    # Whole-pixel stepping would alternate 1 and 2 px; sub-pixel steps stay even.
    assert max(abs(s - mean) for s in steps) < 0.3, steps


def test_zoom_grows_evenly(tmp_path: Path, resolver: Resolver, out_dir: Path) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    _bars(tmp_path / "inputs" / "bars.png", [340, 740])
    scene = {"kind": "image", "asset": "bars.png", "duration_s": 2,
             "motion": {"kind": "zoom_in", "amount": 0.2}}
    out = render({"scenes": [scene]}, resolver, out_dir / "zoom.mp4")
    gaps = []
    for im in images(out):
        profile = column_profile(im)
        gaps.append(centroid(profile, 270, 540) - centroid(profile, 0, 270))
        gaps[-1] = centroid(profile, 270, 540) - centroid(profile, 0, 270)
    assert gaps[0] == pytest.approx(200, abs=1.5) and gaps[-1] == pytest.approx(240, abs=1.5)
    ratios = [b / a for a, b in zip(gaps, gaps[1:], strict=False)]
    # Geometric zoom: the same ratio every frame, 1.2 ** (1 / 59).
    expected = 1.2 ** (1 / 59)
    assert max(abs(r - expected) for r in ratios) < 0.0015


def test_text_overlay_fades_in(resolver: Resolver, out_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    scene = {"kind": "card", "color": "#000000", "duration_s": 2,
             "text": {"text": "HELLO", "size": 200, "color": "#FFFFFF", "animation": "fade",
                      "animation_s": 1.0, "box": {"color": "#FFFFFF", "opacity": 1}}}
    out = render({"scenes": [scene]}, resolver, out_dir / "text.mp4")
    levels = [sum(frame_rgb_at(out, t, region=0.2)) / 3 for t in (0.0, 0.5, 1.5)]
    assert levels[0] < 20 and 60 < levels[1] < 200 and levels[2] > 210, levels


def test_gradient_card_and_static_text(
    resolver: Resolver, out_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "inputs").mkdir(exist_ok=True)
    scene = {"kind": "card", "duration_s": 1,
             "gradient": {"colors": ["#FF0000", "#0000FF"], "angle": 0},
             "text": {"text": "x", "position": "top", "animation": "none"}}
    out = render({"scenes": [scene]}, resolver, out_dir / "card.mp4")
    frame = next(iter(images(out)))
    left = frame.getpixel((20, 400))
    right = frame.getpixel((520, 400))
    assert isinstance(left, tuple) and isinstance(right, tuple)
    assert left[0] > 200 and left[2] < 60 and right[2] > 200 and right[0] < 60


def test_video_clip_is_trimmed_and_held(
    make_clip: Callable[..., Path], resolver: Resolver, out_dir: Path
) -> None:
    clip = make_clip([RED, GREEN, BLUE], 1.0).name
    scenes = [
        {"kind": "video", "asset": clip, "in_s": 1.0, "out_s": 2.0},
        # 1.5 s of a clip that has 1 s left after in_s: its last frame is held.
        {"kind": "video", "asset": clip, "in_s": 2.0, "duration_s": 1.5, "fit": "contain"},
    ]
    out = render({"scenes": scenes, "transition": {"kind": "none"}}, resolver,
                 out_dir / "clip.mp4")
    assert frame_count(out) == 30 + 45
    assert close(frame_rgb_at(out, 0.1, region=0.3), GREEN)
    assert close(frame_rgb_at(out, 0.9, region=0.3), GREEN)
    assert close(frame_rgb_at(out, 2.4, region=0.3), BLUE)
    assert probe(out).video_duration_s == pytest.approx(2.5, abs=1 / 30)


def test_held_stills_meet_xfade_converted_once(
    make_image: Callable[..., Path], resolver: Resolver, out_dir: Path, tmp_path: Path
) -> None:
    """Held stills reach xfade through one yuv444p converter; the blends come back
    through one scaler; a still with motion and a cut sit among them; lengths stay exact."""
    for name, colour in (("r.png", RED), ("g.png", GREEN), ("b.png", BLUE)):
        make_image(colour, (320, 240), name=name)
    scenes: list[dict[str, Any]] = [
        {"kind": "image", "asset": "r.png", "duration_s": 1.0},
        {"kind": "image", "asset": "g.png", "duration_s": 1.0,
         "motion": {"kind": "zoom_in", "amount": 0.1}},
        {"kind": "image", "asset": "b.png", "duration_s": 1.0,
         "transition": {"kind": "none"}},
        {"kind": "image", "asset": "r.png", "duration_s": 1.0},
        {"kind": "image", "asset": "g.png", "duration_s": 1.0},
    ]
    data = {"scenes": scenes, "transition": {"kind": "wipeleft", "duration_s": 0.2},
            "output": DRAFT_SQUARE}
    timeline = parse_timeline(data)
    plan = make_plan(timeline, resolver)
    stills = tmp_path / "stills.ppm"
    write_stills(plan, stills)
    text = video_chain_script(plan, tmp_path, stills)
    assert text.count("xfade=") == 3
    assert text.count("format=yuv444p") == 1
    assert text.count("format=yuv420p") == 2  # the stills' conversion and the blends' return
    out = render(data, resolver, out_dir / "v.mp4")
    assert frame_count(out) == 5 * 30 - 3 * 6
    # Scenes start at frames 0, 24, 48, 78 (after the cut) and 102 of 132.
    for at, colour in ((0.3, RED), (2.2, BLUE), (3.0, RED), (4.1, GREEN)):
        assert close(frame_rgb_at(out, at), colour), at


def video_chain_script(plan: Plan, folder: Path, stills: Path) -> str:
    graph = Graph()
    graph.output(video_chain(graph, plan, Workfiles(folder, stills, None, None)))
    return graph.script()
