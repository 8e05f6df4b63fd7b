"""Slideshow renders checked by probing the output and sampling frame colours."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import av
import pytest

from app.media import (
    TRANSITIONS,
    SlideshowSpec,
    SpecError,
    expected_duration,
    frame_rgb_at,
    probe,
    render_slideshow,
)
from tests.media.colours import BLUE, GREEN, RED, RGB

# Solid colours survive RGB -> BT.709 YUV 4:2:0 -> RGB within a few levels.
COLOUR_TOL = 12


def assert_colour(actual: RGB, expected: RGB) -> None:
    assert all(abs(a - e) <= COLOUR_TOL for a, e in zip(actual, expected, strict=True)), (
        actual,
        expected,
    )


def frame_count(path: Path) -> int:
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_fade_full_hd_portrait_with_audio(
    make_image: Callable[..., Path], make_tone: Callable[..., Path], out_dir: Path
) -> None:
    images = [
        make_image(RED, (640, 480), "JPEG"),
        make_image(GREEN, (1000, 1000), "PNG"),
        make_image(BLUE, (300, 900), "JPEG"),
    ]
    spec = SlideshowSpec(
        images=images,
        seconds_per_image=3.0,
        transition="fade",
        transition_s=0.5,
        width=1080,
        height=1920,
        fps=30,
        audio=make_tone(20.0),
    )
    output = out_dir / "video.mp4"
    result = render_slideshow(spec, output)

    expected = 3 * 3.0 - 2 * 0.5
    assert expected_duration(spec) == expected
    info = probe(output)
    assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert (info.width, info.height, info.fps) == (1080, 1920, 30.0)
    assert info.video_duration_s == pytest.approx(expected, abs=1 / 30)
    assert info.audio_duration_s == pytest.approx(expected, abs=1 / 30 + 0.05)
    assert frame_count(output) == 3 * 90 - 2 * 15
    assert result.encoder == "libx264"
    assert (result.width, result.height, result.fps) == (1080, 1920, 30.0)
    assert result.size_bytes == output.stat().st_size
    assert result.duration_s == pytest.approx(expected, abs=1 / 30 + 0.05)

    # Image k is alone on screen around k*(D-T) + D/2.
    for k, colour in enumerate((RED, GREEN, BLUE)):
        assert_colour(frame_rgb_at(output, k * 2.5 + 1.5), colour)
    # Halfway through the first fade both colours are mixed in.
    r, g, b = frame_rgb_at(output, 2.5 + 0.25)
    assert 60 < r < 200 and 60 < g < 200 and b < COLOUR_TOL
    assert sorted(p.name for p in out_dir.iterdir()) == ["video.mp4"]


def test_cover_fit_crops_the_centre(make_image: Callable[..., Path], out_dir: Path) -> None:
    """A wide image with blue sides and a green middle fills a portrait frame with green."""
    from PIL import Image, ImageDraw

    path = make_image(BLUE, (400, 200), "PNG")
    with Image.open(path) as im:
        im = im.convert("RGB")
        ImageDraw.Draw(im).rectangle((100, 0, 299, 199), fill=GREEN)
        im.save(path)
    spec = SlideshowSpec(images=[path], seconds_per_image=1.0, width=320, height=568, fps=25)
    output = out_dir / "cover.mp4"
    render_slideshow(spec, output)
    info = probe(output)
    assert (info.width, info.height) == (320, 568)
    assert_colour(frame_rgb_at(output, 0.5, region=1.0), GREEN)


@pytest.mark.parametrize(("audio_s", "label"), [(1.0, "looped"), (10.0, "trimmed")])
def test_cut_transition_and_audio_fit(
    audio_s: float,
    label: str,
    make_image: Callable[..., Path],
    make_tone: Callable[..., Path],
    out_dir: Path,
) -> None:
    images = [make_image(c, (320, 240)) for c in (RED, GREEN, BLUE)]
    spec = SlideshowSpec(
        images=images,
        seconds_per_image=2.0,
        transition="none",
        width=320,
        height=568,
        fps=24,
        audio=make_tone(audio_s),
    )
    output = out_dir / f"{label}.mp4"
    result = render_slideshow(spec, output)
    info = probe(output)
    assert expected_duration(spec) == 6.0
    assert info.video_duration_s == pytest.approx(6.0, abs=1 / 24)
    assert info.audio_duration_s == pytest.approx(6.0, abs=1 / 24 + 0.05)
    assert result.fps == 24.0
    assert frame_count(output) == 3 * 48
    for k, colour in enumerate((RED, GREEN, BLUE)):
        # A cut: colours are pure right up to the boundary.
        assert_colour(frame_rgb_at(output, k * 2.0 + 0.1), colour)
        assert_colour(frame_rgb_at(output, k * 2.0 + 1.9), colour)


@pytest.mark.parametrize("transition", sorted(TRANSITIONS - {"none"}))
def test_every_transition_renders(
    transition: str, make_image: Callable[..., Path], out_dir: Path
) -> None:
    images = [make_image(RED, (64, 64)), make_image(BLUE, (80, 48), "JPEG")]
    spec = SlideshowSpec(
        images=images,
        seconds_per_image=1.0,
        transition=transition,
        transition_s=0.5,
        width=96,
        height=96,
        fps=24,
    )
    output = out_dir / f"{transition}.mp4"
    render_slideshow(spec, output)
    assert frame_count(output) == 2 * 24 - 12
    assert_colour(frame_rgb_at(output, 0.2), RED)
    assert_colour(frame_rgb_at(output, 1.3), BLUE)


@pytest.mark.parametrize(
    ("n", "seconds", "transition_s", "fps", "transition"),
    [
        (1, 1.0, 0.5, 30, "fade"),
        (3, 1.0, 0.5, 30, "fade"),  # the middle still is never alone: its body is 0 frames
        (4, 2.55, 0.3, 25, "dissolve"),  # 63.75 frames per still: whole frames are used
        (3, 0.8, 0.5, 24, "fade"),  # fades overlap: the chained-xfade path
        (3, 1.7, 0.45, 60, "wipeleft"),
        (4, 0.4, 0.5, 24, "none"),
    ],
)
def test_frame_count_is_exact(
    n: int,
    seconds: float,
    transition_s: float,
    fps: int,
    transition: str,
    make_image: Callable[..., Path],
    out_dir: Path,
) -> None:
    images = [make_image(c, (48, 64)) for c in (RED, GREEN, BLUE, RED)][:n]
    spec = SlideshowSpec(
        images=images,
        seconds_per_image=seconds,
        transition=transition,
        transition_s=transition_s,
        width=32,
        height=32,
        fps=fps,
    )
    output = out_dir / "v.mp4"
    result = render_slideshow(spec, output)
    per_image = round(seconds * fps)
    per_transition = 0 if transition == "none" else round(transition_s * fps)
    frames = n * per_image - (n - 1) * per_transition
    assert frame_count(output) == frames
    assert expected_duration(spec) == pytest.approx(frames / fps)
    assert result.duration_s == pytest.approx(frames / fps, abs=1e-3)
    assert result.fps == fps


def test_progress_is_monotonic_and_ends_at_one(
    make_image: Callable[..., Path], out_dir: Path
) -> None:
    events: list[tuple[float, str]] = []
    spec = SlideshowSpec(
        images=[make_image(RED), make_image(GREEN)],
        seconds_per_image=20.0,
        width=320,
        height=568,
        fps=30,
    )
    render_slideshow(spec, out_dir / "p.mp4", on_progress=lambda f, s: events.append((f, s)))
    fractions = [f for f, _ in events]
    assert len(fractions) >= 2
    assert fractions == sorted(fractions)
    assert len(set(fractions)) == len(fractions)
    assert all(0 < f <= 1 for f in fractions)
    assert fractions[-1] == 1.0 and fractions.count(1.0) == 1
    assert {s for _, s in events} == {"render"}


def test_special_characters_in_paths(make_image: Callable[..., Path], tmp_path: Path) -> None:
    """Names that look like protocols or graph syntax are just file names."""
    image = make_image(GREEN, (100, 100), "PNG", name="concat:a|b, [x]'s;=.png")
    out_dir = tmp_path / "out dir, with 'quotes'"
    out_dir.mkdir()
    output = out_dir / "http:video.mp4"
    spec = SlideshowSpec(
        images=[image], seconds_per_image=0.5, transition="none", width=64, height=64, fps=25
    )
    render_slideshow(spec, output)
    assert_colour(frame_rgb_at(output, 0.2), GREEN)


def _spec(paths: list[Path], /, **changes: object) -> SlideshowSpec:
    base = SlideshowSpec(images=paths, seconds_per_image=2.0, width=320, height=568, fps=30)
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"images": []}, "images"),
        ({"seconds_per_image": 0.5, "transition_s": 0.5}, "seconds_per_image"),
        ({"seconds_per_image": 0.4}, "seconds_per_image"),
        ({"seconds_per_image": float("nan")}, "seconds_per_image"),
        ({"transition": "spin"}, "transition"),
        ({"transition_s": 0.0}, "transition_s"),
        ({"transition_s": float("nan")}, "transition_s"),
        ({"transition_s": float("inf")}, "transition_s"),
        ({"fps": 30.0}, "fps"),
        ({"width": 320.0}, "width"),
        ({"fps": 29}, "fps"),
        ({"width": 321}, "width"),
        ({"height": 8}, "height"),
        ({"preset": "turbo"}, "preset"),
        ({"crf": 52}, "crf"),
    ],
)
def test_bad_spec_names_the_field(
    changes: dict[str, object], field: str, make_image: Callable[..., Path], out_dir: Path
) -> None:
    spec = _spec([make_image(RED)], **changes)
    with pytest.raises(ValueError, match=field) as caught:
        render_slideshow(spec, out_dir / "x.mp4")
    assert isinstance(caught.value, SpecError) and caught.value.field == field
    assert list(out_dir.iterdir()) == []


def test_cut_ignores_transition_length(make_image: Callable[..., Path], out_dir: Path) -> None:
    spec = _spec([make_image(RED)], transition="none", seconds_per_image=0.4)
    render_slideshow(spec, out_dir / "short.mp4")
    assert frame_count(out_dir / "short.mp4") == 12


def test_bad_inputs_are_refused(
    make_image: Callable[..., Path], tmp_path: Path, out_dir: Path
) -> None:
    good = make_image(RED)
    text = tmp_path / "notes.png"
    text.write_text("not an image")
    not_audio = tmp_path / "song.mp3"
    not_audio.write_text("#EXTM3U\n")
    cases = [
        (_spec([good, tmp_path / "missing.png"]), "images[1]"),
        (_spec([text]), "images[0]"),
        (_spec([tmp_path]), "images[0]"),
        (_spec([good], audio=tmp_path / "missing.wav"), "audio"),
        (_spec([good], audio=not_audio), "audio"),
    ]
    for spec, field in cases:
        with pytest.raises(SpecError) as caught:
            render_slideshow(spec, out_dir / "x.mp4")
        assert caught.value.field == field
    assert list(out_dir.iterdir()) == []
