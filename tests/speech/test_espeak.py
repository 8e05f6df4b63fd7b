"""espeak-ng: a real WAV of plausible length, word timings that are ordered, cover the speech,
sit on voiced audio and land near the engine's own word events."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from app.content import Brief, TemplateWriter
from app.core.text import WORD
from app.speech import EspeakSpeech, Speech, SpeechError
from app.speech.espeak import INSTALL_HINT
from app.speech.timing import estimate, voiced_spans
from app.speech.wav import Pcm, read_pcm

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason=f"espeak-ng is not installed; {INSTALL_HINT}")

TEXT = ("Did you know that black holes bend time? Here's the thing: at its core, gravity wins, "
        "every single time. Follow for part two.")


@pytest.fixture(scope="module")
def espeak() -> EspeakSpeech:
    return EspeakSpeech()


@pytest.fixture(scope="module")
def spoken(espeak: EspeakSpeech, tmp_path_factory: pytest.TempPathFactory) -> Speech:
    return espeak.synthesize(TEXT, out_path=tmp_path_factory.mktemp("tts") / "voice.wav",
                             rate_wpm=165)


def window_rms(pcm: Pcm, start_s: float, end_s: float) -> float:
    a, b = int(start_s * pcm.sample_rate_hz), int(end_s * pcm.sample_rate_hz)
    window = pcm.samples[a:max(b, a + 1)]
    return math.sqrt(sum(x * x for x in window) / len(window)) / 32768


def test_writes_a_wav_of_plausible_length(spoken: Speech) -> None:
    pcm = read_pcm(spoken.path)
    assert (pcm.sample_rate_hz, pcm.channels) == (22050, 1)
    assert spoken.duration_s == pytest.approx(pcm.duration_s, abs=0.001)
    n_words = len(WORD.findall(TEXT))
    spoken_s = n_words / 165 * 60  # 21 words at 165 wpm: 7.6 s before pauses
    assert 0.7 * spoken_s <= spoken.duration_s <= 1.6 * spoken_s
    assert (spoken.provider, spoken.voice, spoken.timing) == ("espeak", "en-us", "estimated")
    assert not list(spoken.path.parent.glob(".*part*"))


def test_rate_changes_the_length(espeak: EspeakSpeech, tmp_path: Path) -> None:
    slow = espeak.synthesize(TEXT, out_path=tmp_path / "slow.wav", rate_wpm=120)
    fast = espeak.synthesize(TEXT, out_path=tmp_path / "fast.wav", rate_wpm=240)
    assert slow.duration_s > 1.5 * fast.duration_s


def test_timings_are_ordered_and_cover_the_speech(spoken: Speech) -> None:
    assert [w.word for w in spoken.words] == WORD.findall(TEXT)
    previous_end = 0.0
    for word in spoken.words:
        assert previous_end <= word.start_s < word.end_s <= spoken.duration_s
        previous_end = word.end_s
    spans = voiced_spans(read_pcm(spoken.path))
    assert spoken.words[0].start_s == pytest.approx(spans[0].start_s, abs=0.011)
    assert spoken.words[-1].end_s == pytest.approx(spans[-1].end_s, abs=0.011)
    # Every voiced stretch lies inside some word: nothing spoken is left without a word.
    for span in spans:
        covered = sum(max(0.0, min(span.end_s, w.end_s) - max(span.start_s, w.start_s))
                      for w in spoken.words)
        assert covered >= span.length_s - 0.011, span


def test_every_word_window_has_energy(spoken: Speech) -> None:
    pcm = read_pcm(spoken.path)
    for word in spoken.words:
        assert window_rms(pcm, word.start_s, word.end_s) > 0.01, word


def test_word_starts_are_near_the_engines_own_events() -> None:
    try:
        from tests.speech.espeak_reference import EspeakLibrary
        library = EspeakLibrary()
    except OSError as exc:
        pytest.skip(f"libespeak-ng.so.1 cannot be loaded: {exc}")
    errors = []
    for tone in ("informative", "funny", "dramatic", "inspirational"):
        text = TemplateWriter().write(Brief(topic="home workouts", tone=tone,
                                            target_duration_s=30)).narration
        pcm, events = library.speak(text, rate_wpm=165)
        offsets = [len(text[:m.start()].encode()) for m in WORD.finditer(text)]
        for timing, offset in zip(estimate(text, pcm), offsets, strict=True):
            if offset in events:
                errors.append(abs(timing.start_s - events[offset]))
    assert len(errors) > 200
    errors.sort()
    # Measured: mean 65 ms, 90th percentile 130 ms at 165 wpm; the bounds leave room.
    assert sum(errors) / len(errors) < 0.12
    assert errors[int(0.9 * len(errors))] < 0.25


def test_shell_characters_are_only_text(espeak: EspeakSpeech, tmp_path: Path) -> None:
    text = "Run $(touch pwned) and `touch pwned`; then 'quote' \"this\" | cat > pwned & done"
    speech = espeak.synthesize(text, out_path=tmp_path / "odd.wav")
    assert speech.duration_s > 1.0
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_bad_inputs_are_named(espeak: EspeakSpeech, tmp_path: Path) -> None:
    out = tmp_path / "x.wav"
    cases = [({"text": "  "}, "empty_text"),
             ({"text": "hi", "voice": "xx-nowhere"}, "unknown_voice"),
             ({"text": "hi", "voice": "-v en; rm"}, "bad_voice"),
             ({"text": "hi", "rate_wpm": 20}, "bad_rate"),
             ({"text": "hi", "pitch": 120}, "bad_pitch")]
    for kwargs, code in cases:
        with pytest.raises(SpeechError) as info:
            espeak.synthesize(out_path=out, **kwargs)  # type: ignore[arg-type]
        assert info.value.code == code
    assert not out.exists()


def test_missing_binary_says_how_to_install(tmp_path: Path) -> None:
    missing = EspeakSpeech(binary="espeak-ng-not-installed")
    with pytest.raises(SpeechError, match="apt-get install -y espeak-ng") as info:
        missing.synthesize("hello", out_path=tmp_path / "x.wav")
    assert info.value.code == "espeak_missing"


def test_voices_list_languages(espeak: EspeakSpeech) -> None:
    voices = {v.id: v for v in espeak.voices()}
    assert len(voices) > 50
    assert voices["en-us"].name == "English (America)" and voices["en-us"].gender == "male"
    assert voices["fr-fr"].language == "fr-fr"
    assert all(v.provider == "espeak" for v in voices.values())
    assert "variant" not in voices


def test_variant_voice_speaks(espeak: EspeakSpeech, tmp_path: Path) -> None:
    speech = espeak.synthesize("Hello there.", "en-us+f3", out_path=tmp_path / "f.wav")
    assert speech.voice == "en-us+f3" and speech.duration_s > 0.3


def test_preset_names_speak_with_their_espeak_voice(espeak: EspeakSpeech,
                                                    tmp_path: Path) -> None:
    speech = espeak.synthesize("Hello there.", "Rachel", out_path=tmp_path / "r.wav")
    assert speech.voice == "en-us+f3" and speech.duration_s > 0.3
    voices = {v.id: v for v in espeak.voices()}
    assert voices["rachel"].language == "en-us" and voices["rachel"].gender == "female"
    assert voices["adam"].gender == "male" and "preset: en-us+m3" in voices["adam"].name
