"""The soundtrack: voice placement, looped music with fades, ducking and the loudness target."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.media import ffmpeg_exe, parse_timeline, probe, render_timeline
from tests.media.sound import band_rms_db, loudness

Resolver = Callable[[str], Path]
VOICE_HZ, MUSIC_HZ = 1000, 440


def tone(folder: Path, name: str, freq: int, seconds: float, volume: float = 0.5) -> str:
    folder.mkdir(exist_ok=True)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
           f"sine=frequency={freq}:sample_rate=44100:duration={seconds}", "-af",
           f"volume={volume}", "-ac", "2", str(folder / name)]
    subprocess.run(cmd, check=True, timeout=60)
    return name


def timeline(**audio: Any) -> dict[str, Any]:
    return {
        "scenes": [{"kind": "card", "color": "#202020", "duration_s": 3},
                   {"kind": "card", "color": "#404040", "duration_s": 3.5}],
        "transition": {"kind": "fade", "duration_s": 0.5},
        "audio": audio,
        "output": {"preset": "square", "quality": "draft", "fps": 25},
    }


@pytest.fixture
def sounds(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "inputs"
    return {"voice": tone(folder, "voice.wav", VOICE_HZ, 2.0),
            "music": tone(folder, "music.mp3", MUSIC_HZ, 2.5, volume=0.2)}


def test_voice_music_ducking_and_loudness(
    sounds: dict[str, str], resolver: Resolver, out_dir: Path
) -> None:
    data = timeline(voice={"asset": sounds["voice"], "start_s": 2.0},
                    music={"asset": sounds["music"], "fade_in_s": 1.0, "fade_out_s": 1.0})
    out = out_dir / "mix.mp4"
    result = render_timeline(parse_timeline(data), resolver, out)
    assert result.has_audio
    info = probe(out)
    assert info.audio_codec == "aac" and info.sample_rate == 48000
    assert info.audio_duration_s == pytest.approx(6.0, abs=1 / 25 + 0.03)
    r128 = loudness(out)
    assert r128.integrated_lufs == pytest.approx(-14.0, abs=1.0)
    assert r128.true_peak_db <= -0.5
    # The voice starts at 2 s: silent before, present from 2.2 to 3.8 s.
    assert band_rms_db(out, 0.5, 1.8, VOICE_HZ) < -60
    assert band_rms_db(out, 2.2, 3.8, VOICE_HZ) > -30
    # Music (2.5 s, looped) runs to the end; it is ducked by > 6 dB under the voice.
    free = band_rms_db(out, 1.2, 1.9, MUSIC_HZ)
    ducked = band_rms_db(out, 2.6, 3.8, MUSIC_HZ)
    after = band_rms_db(out, 4.6, 4.9, MUSIC_HZ)
    assert free - ducked > 6, (free, ducked)
    assert after - ducked > 6 and after > -40, (after, ducked)
    # Fades: quieter in the first and last 0.2 s than at full level.
    assert band_rms_db(out, 0.0, 0.2, MUSIC_HZ) < free - 10
    assert band_rms_db(out, 5.85, 6.0, MUSIC_HZ) < after - 10


@pytest.mark.parametrize("target", [-14.0, -23.0])
def test_music_alone_meets_the_target(
    target: float, sounds: dict[str, str], resolver: Resolver, out_dir: Path
) -> None:
    data = timeline(music={"asset": sounds["music"], "loop": True}, loudness_lufs=target,
                    true_peak_db=-2.0)
    out = out_dir / "music.mp4"
    render_timeline(parse_timeline(data), resolver, out)
    r128 = loudness(out)
    assert r128.integrated_lufs == pytest.approx(target, abs=1.0)
    assert r128.true_peak_db <= -1.5


def test_unlooped_music_ends_in_silence(
    sounds: dict[str, str], resolver: Resolver, out_dir: Path
) -> None:
    data = timeline(music={"asset": sounds["music"], "loop": False, "fade_out_s": 0})
    out = out_dir / "once.mp4"
    render_timeline(parse_timeline(data), resolver, out)
    assert band_rms_db(out, 0.5, 2.0, MUSIC_HZ) > -40
    assert band_rms_db(out, 3.0, 5.5, MUSIC_HZ) < -70
    assert probe(out).audio_duration_s == pytest.approx(6.0, abs=1 / 25 + 0.03)
