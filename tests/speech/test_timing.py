"""Timing conversion and estimation on audio whose word positions are known exactly."""

from __future__ import annotations

import wave
from array import array
from pathlib import Path

import pytest

from app.speech import SpeechError, WordTiming, estimate, from_alignment
from app.speech.remote import split_text
from app.speech.wav import Pcm, read_pcm, repair_wav, write_wav
from tests.speech.audio import streamed_wav, tone_frames


def test_alignment_to_words_exactly() -> None:
    text = "Hi, I'm Ana!"
    starts = [i * 0.05 for i in range(len(text))]
    ends = [(i + 1) * 0.05 for i in range(len(text))]
    # H0 i1 ,2 _3 I4 '5 m6 _7 A8 n9 a10 !11: words end with their last letter's end.
    assert from_alignment(list(text), starts, ends) == [
        WordTiming("Hi", 0.0, 0.1),
        WordTiming("I'm", 0.2, 0.35000000000000003),
        WordTiming("Ana", 0.4, 0.55),
    ]


def test_alignment_with_multi_character_entries() -> None:
    # Normalised alignments may carry more than one character per entry.
    words = from_alignment(["twen", "ty", " ", "one"], [0.0, 0.2, 0.3, 0.35],
                           [0.2, 0.3, 0.35, 0.6])
    assert words == [WordTiming("twenty", 0.0, 0.3), WordTiming("one", 0.35, 0.6)]


def test_alignment_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="same length"):
        from_alignment(["a", "b"], [0.0], [0.1, 0.2])


def _pcm(bursts: list[tuple[float, float]], duration_s: float) -> Pcm:
    return Pcm(array("h", tone_frames(bursts, duration_s)), 22050, 1)


def test_phrases_land_on_their_pauses() -> None:
    # Three phrases as three bursts with 300 ms pauses; the estimate must split there.
    bursts = [(0.20, 1.00), (1.30, 2.50), (2.80, 3.40)]
    timings = estimate("Quick brown fox, jumps over lazy dogs. Again now!", _pcm(bursts, 3.7))
    by_word = {t.word: t for t in timings}
    assert by_word["Quick"].start_s == pytest.approx(0.20, abs=0.011)
    assert by_word["fox"].end_s == pytest.approx(1.00, abs=0.011)
    assert by_word["jumps"].start_s == pytest.approx(1.30, abs=0.011)
    assert by_word["dogs"].end_s == pytest.approx(2.50, abs=0.011)
    assert by_word["Again"].start_s == pytest.approx(2.80, abs=0.011)
    assert by_word["now"].end_s == pytest.approx(3.40, abs=0.011)
    for left, right in zip(timings, timings[1:], strict=False):
        assert left.start_s < left.end_s <= right.start_s


def test_word_boundaries_snap_to_short_pauses() -> None:
    # One phrase of two 4-letter words, the last lengthened 1.5x: weights 4:6 put the
    # boundary at 40 % of the 0.84 s voiced, 0.496 s, 36 ms past the 60 ms pause. It snaps.
    bursts = [(0.10, 0.40), (0.46, 1.00)]
    first, second = estimate("abcd abcd", _pcm(bursts, 1.2))
    assert first.end_s == pytest.approx(0.40, abs=0.011)
    assert second.start_s == pytest.approx(0.46, abs=0.011)


def test_silence_spreads_words_over_the_file() -> None:
    timings = estimate("one two", _pcm([], 1.0))
    assert timings[0].start_s == 0.0 and timings[-1].end_s == pytest.approx(1.0)


def test_streamed_wav_header_is_repaired(tmp_path: Path) -> None:
    frames = tone_frames([(0.0, 0.5)], 0.5, sample_rate_hz=24000)
    got, rate, channels = repair_wav(streamed_wav(frames))
    assert (got, rate, channels) == (frames, 24000, 1)
    write_wav(tmp_path / "a.wav", got, sample_rate_hz=rate)
    with wave.open(str(tmp_path / "a.wav")) as wav:
        assert (wav.getnframes(), wav.getframerate()) == (12000, 24000)
    assert read_pcm(tmp_path / "a.wav").duration_s == 0.5


def test_non_wav_answers_are_refused() -> None:
    with pytest.raises(SpeechError) as info:
        repair_wav(b"ID3\x04\x00 an mp3 file")
    assert info.value.code == "unsupported_audio"


def test_long_text_is_split_after_sentences() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    pieces = split_text(text, 500)
    assert all(len(p) <= 500 for p in pieces)
    assert all(p.endswith(".") for p in pieces)
    assert " ".join(pieces) == text
    long_word = "x" * 1200
    assert [len(p) for p in split_text(long_word, 500)] == [500, 500, 200]
