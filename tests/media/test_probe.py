"""Probing with PyAV, audio sniffing by magic bytes and refusal of playlist formats."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from app.media import AUDIO_FORMATS, ProbeFailed, probe, probe_audio, sniff_audio


@pytest.mark.parametrize("kind", sorted(AUDIO_FORMATS))
def test_sniff_and_probe_real_audio(kind: str, make_tone: Callable[..., Path]) -> None:
    path = make_tone(1.0, kind)
    assert sniff_audio(path.read_bytes()[:64]) == kind
    # Encoder delay and padding (AAC, MP3, Vorbis) add a few milliseconds.
    assert probe_audio(path, AUDIO_FORMATS[kind]) == pytest.approx(1.0, abs=0.06)


def test_sniff_mp3_without_id3_tag(make_tone: Callable[..., Path]) -> None:
    path = make_tone(0.5, "mp3", ("-id3v2_version", "0", "-write_xing", "0"))
    head = path.read_bytes()[:64]
    assert not head.startswith(b"ID3")
    assert sniff_audio(head) == "mp3"


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"", None),
        (b"#EXTM3U\n#EXT-X-VERSION:3\n", None),
        (b"ffconcat version 1.0\n", None),
        (b"\xff\xf1\x50\x80", None),  # AAC ADTS shares the sync word but is not MP3
        (b"RIFF\x00\x00\x00\x00AVI ", None),
        (b"ID3\x04\x00\x00\x00\x00\x00\x02\x00\x00fLaC", "flac"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x02\x00\x00\xff\xfb", "mp3"),
        (b"\x00\x00\x00\x20ftypM4A ", "m4a"),
    ],
)
def test_sniff_audio_bytes(head: bytes, kind: str | None) -> None:
    assert sniff_audio(head) == kind


def test_probe_wav(make_tone: Callable[..., Path]) -> None:
    info = probe(make_tone(1.5))
    assert info.has_audio and not info.has_video
    assert info.audio_codec == "pcm_s16le"
    assert info.sample_rate == 44100
    assert info.duration_s == pytest.approx(1.5, abs=0.01)
    assert info.audio_duration_s == pytest.approx(1.5, abs=0.01)


def test_playlists_are_never_followed(tmp_path: Path, make_tone: Callable[..., Path]) -> None:
    tone = make_tone(1.0)
    hls = tmp_path / "list.m3u8"
    hls.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{tone}\n#EXT-X-ENDLIST\n")
    concat = tmp_path / "list.txt"
    concat.write_text(f"ffconcat version 1.0\nfile '{tone}'\n")
    for playlist in (hls, concat):
        with pytest.raises(ProbeFailed):
            probe(playlist)
        with pytest.raises(ProbeFailed):
            probe_audio(playlist, "wav")


def test_probe_refuses_missing_file_and_unknown_demuxer(tmp_path: Path) -> None:
    with pytest.raises(ProbeFailed):
        probe(tmp_path / "missing.mp4")
    with pytest.raises(ProbeFailed):
        probe(tmp_path)
    with pytest.raises(ValueError):
        probe_audio(tmp_path / "x.m3u8", "hls")
