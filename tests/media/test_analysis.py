"""The auto-tagger's measurements on generated inputs of known properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from app.media.analysis import (
    analyse_clip,
    analyse_image,
    analyse_music,
    clip_thumbnail,
    estimate_bpm,
    music_tags,
    orientation,
    visual_tags,
    waveform_png,
)
from app.media.analysis.music import decode_mono
from tests.support.library_media import click_track, gradient_clip


@pytest.mark.parametrize("bpm", [120.0, 92.0, 174.0])
def test_click_track_tempo_within_two_bpm(tmp_path: Path, bpm: float) -> None:
    track = click_track(tmp_path / "click.wav", bpm=bpm)
    features = analyse_music(track, "wav")
    assert features.bpm is not None
    assert abs(features.bpm - bpm) <= 2.0, features
    tagged = [int(t.removeprefix("bpm:")) for t in music_tags(features) if t.startswith("bpm:")]
    assert len(tagged) == 1 and abs(tagged[0] - bpm) <= 2.0


def test_click_track_in_m4a_reads_120(tmp_path: Path) -> None:
    track = click_track(tmp_path / "click.m4a", bpm=120.0, fmt="m4a")
    features = analyse_music(track, "mov")
    assert features.bpm is not None and abs(features.bpm - 120.0) <= 2.0
    assert features.loudness_lufs is not None and -40 < features.loudness_lufs < 0
    assert features.duration_s == pytest.approx(12.0, abs=0.1)


def test_steady_tone_has_no_tempo(tmp_path: Path) -> None:
    tone = tmp_path / "tone.wav"
    from tests.support.media import tone_wav

    tone.write_bytes(tone_wav(6.0))
    assert estimate_bpm(decode_mono(tone, "wav")) is None


def test_waveform_is_a_png(tmp_path: Path) -> None:
    track = click_track(tmp_path / "click.wav", bpm=100.0, seconds=3.0)
    picture = waveform_png(track, "wav", tmp_path / "wave.png")
    with Image.open(picture) as image:
        assert image.format == "PNG" and image.size == (640, 120)


def test_moving_gradient_is_motion(tmp_path: Path) -> None:
    clip = gradient_clip(tmp_path / "move.mp4", width=320, height=240, speed_px_s=120.0)
    features = analyse_clip(clip, "mov", width=320, height=240)
    tags = visual_tags(features, moving=True)
    assert "motion" in tags and "still" not in tags, features
    assert features.scene_cuts == 0  # a steady pan is one shot


def test_still_gradient_is_not_motion(tmp_path: Path) -> None:
    clip = gradient_clip(tmp_path / "still.mp4", width=320, height=240, speed_px_s=0.0)
    features = analyse_clip(clip, "mov", width=320, height=240)
    tags = visual_tags(features, moving=True)
    assert "still" in tags and "motion" not in tags, features
    assert features.motion < 1.0


def test_portrait_clip_and_thumbnail(tmp_path: Path) -> None:
    clip = gradient_clip(tmp_path / "tall.mp4", width=180, height=320, speed_px_s=0.0)
    features = analyse_clip(clip, "mov", width=180, height=320)
    assert features.orientation == "portrait"
    assert "portrait" in visual_tags(features, moving=True)
    thumb = clip_thumbnail(clip, "mov", 3.0, tmp_path / "thumb.jpg")
    with Image.open(thumb) as image:
        assert image.format == "JPEG" and image.size == (180, 320)


def test_image_colours_and_orientation(tmp_path: Path) -> None:
    path = tmp_path / "red.jpg"
    Image.new("RGB", (400, 400), (200, 30, 30)).save(path, "JPEG")
    features = analyse_image(path)
    assert features.orientation == "square"
    red, green, blue = (int(features.colours[0][i:i + 2], 16) for i in (1, 3, 5))
    assert red > 180 and green < 60 and blue < 60, features.colours


@pytest.mark.parametrize(("width", "height", "word"), [
    (1080, 1920, "portrait"), (1920, 1080, "landscape"), (1000, 1050, "square")])
def test_orientation(width: int, height: int, word: str) -> None:
    assert orientation(width, height) == word
