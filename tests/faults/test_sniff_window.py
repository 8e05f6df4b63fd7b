"""One sniffer, one window: a FLAC behind an ID3v2 tag is FLAC at upload and at render,
whatever the tag's length (cover art makes tags of hundreds of KiB)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from app.media import ffmpeg_exe
from app.media.probe import audio_demuxer
from tests.support.fixtures import Account
from tests.support.media import tone_wav


def _id3(size: int) -> bytes:
    """An ID3v2.4 tag of `size` bytes after its 10-byte header (padding only)."""
    syncsafe = bytes((size >> shift) & 0x7F for shift in (21, 14, 7, 0))
    return b"ID3\x04\x00\x00" + syncsafe + b"\x00" * size


def _flac(tmp: Path) -> bytes:
    wav, flac = tmp / "tone.wav", tmp / "tone.flac"
    wav.write_bytes(tone_wav(1.5))
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(wav), "-c:a", "flac",
                    str(flac)], check=True)
    return flac.read_bytes()


@pytest.mark.parametrize("tag_bytes", [1_000, 200_000])
def test_flac_behind_an_id3_tag_is_flac_at_upload(account: Account, tmp_path: Path,
                                                  tag_bytes: int) -> None:
    answer = account.upload(_id3(tag_bytes) + _flac(tmp_path), "song.flac", "audio")
    assert answer.status_code == 201, answer.text
    assert answer.json()["content_type"] == "audio/flac"


@pytest.mark.parametrize("tag_bytes", [1_000, 200_000])
def test_flac_behind_an_id3_tag_is_flac_at_render(tmp_path: Path, tag_bytes: int) -> None:
    path = tmp_path / "song"
    path.write_bytes(_id3(tag_bytes) + _flac(tmp_path))
    assert audio_demuxer(path) == "flac"
