"""OpenAI speech against a local server speaking /v1/audio/speech."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.http import HttpRetry
from app.speech import OpenAISpeech, SpeechError, SpeechTransientError
from app.speech.wav import read_pcm
from tests.content.scripted_server import Reply, ScriptedServer, scripted_server
from tests.speech.fake_services import OPENAI_KEY, layout, openai_speech

TEXT = "Black holes bend time. Here is how, step by step."


@pytest.fixture(scope="module")
def service() -> Iterator[ScriptedServer]:
    with scripted_server(fallback=openai_speech) as srv:
        yield srv


@pytest.fixture
def server(service: ScriptedServer) -> ScriptedServer:
    service.reset()
    return service


def provider(url: str, naps: list[float], **kwargs: Any) -> OpenAISpeech:
    # `sleep` records the pauses instead of taking them: the test checks the asked durations.
    options: dict[str, Any] = {"api_key": OPENAI_KEY, "model": "gpt-4o-mini-tts",
                               "timeout_s": 5, "sleep": naps.append, **kwargs}
    return OpenAISpeech(base_url=f"{url}/v1", **options)


def test_speaks_into_a_wav_with_estimated_timings(server: ScriptedServer, tmp_path: Path) -> None:
    speech = provider(server.url, []).synthesize(TEXT, "nova", out_path=tmp_path / "v.wav",
                                                 rate_wpm=180)
    (seen,) = server.requests
    assert seen.json() == {"model": "gpt-4o-mini-tts", "voice": "nova", "input": TEXT,
                           "response_format": "wav", "speed": 1.2}
    expected_words, duration = layout(TEXT)
    pcm = read_pcm(speech.path)
    assert (pcm.sample_rate_hz, pcm.channels) == (24000, 1)
    assert speech.duration_s == pytest.approx(duration, abs=0.001)
    assert (speech.provider, speech.voice, speech.timing) == ("openai", "nova", "estimated")
    assert [w.word for w in speech.words] == [w for w, _, _ in expected_words]
    for got, (_, start, end) in zip(speech.words, expected_words, strict=True):
        assert got.start_s == pytest.approx(start, abs=0.03)
        assert got.end_s == pytest.approx(end, abs=0.03)


def test_default_voice_and_no_speed(server: ScriptedServer, tmp_path: Path) -> None:
    provider(server.url, []).synthesize("Hello there.", out_path=tmp_path / "v.wav")
    body = server.requests[0].json()
    assert body["voice"] == "alloy" and "speed" not in body


def test_429_waits_as_told(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(Reply(429, {"error": {"message": "Rate limit reached"}}, {"Retry-After": "1"}))
    naps: list[float] = []
    speech = provider(server.url, naps).synthesize(TEXT, out_path=tmp_path / "v.wav")
    assert naps == [1.0] and len(server.requests) == 2 and speech.words


def test_500_is_retried(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(Reply(500, {"error": {"message": "The server had an error"}}))
    naps: list[float] = []
    provider(server.url, naps).synthesize(TEXT, out_path=tmp_path / "v.wav")
    assert len(naps) == 1 and len(server.requests) == 2


def test_outage_past_the_attempts_is_transient(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(*[Reply(502, "bad gateway")] * 2)
    with pytest.raises(SpeechTransientError) as info:
        provider(server.url, [], policy=HttpRetry(max_attempts=2)).synthesize(
            TEXT, out_path=tmp_path / "v.wav")
    assert info.value.code == "tts_unavailable" and info.value.retryable
    assert not (tmp_path / "v.wav").exists()


def test_401_is_permanent(server: ScriptedServer, tmp_path: Path) -> None:
    naps: list[float] = []
    with pytest.raises(SpeechError) as info:
        provider(server.url, naps, api_key="sk-wrong").synthesize(TEXT,
                                                                  out_path=tmp_path / "v.wav")
    assert info.value.code == "tts_auth" and "Incorrect API key" in info.value.message
    assert len(server.requests) == 1 and naps == []


def test_unknown_voice_is_permanent(server: ScriptedServer, tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as info:
        provider(server.url, []).synthesize(TEXT, "brad", out_path=tmp_path / "v.wav")
    assert info.value.code == "tts_rejected" and len(server.requests) == 1


def test_long_text_goes_in_parts(server: ScriptedServer, tmp_path: Path) -> None:
    text = " ".join(["Every sentence here is short, but there are many of them."] * 90)
    speech = provider(server.url, []).synthesize(text, out_path=tmp_path / "v.wav")
    inputs = [s.json()["input"] for s in server.requests]
    assert len(inputs) == 2 and all(len(i) <= 4096 for i in inputs)
    assert " ".join(inputs) == text
    expected = sum(layout(i)[1] for i in inputs)
    assert speech.duration_s == pytest.approx(expected, abs=0.001)
    assert len(speech.words) == 90 * 11


def test_rate_outside_the_api_range(server: ScriptedServer, tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as info:
        provider(server.url, []).synthesize(TEXT, out_path=tmp_path / "v.wav", rate_wpm=700)
    assert info.value.code == "bad_rate" and server.requests == []


def test_voices_are_the_documented_list() -> None:
    voices = OpenAISpeech(base_url="http://127.0.0.1:9/v1").voices()
    assert {"alloy", "nova", "shimmer", "marin"} <= {v.id for v in voices}
    assert all(v.provider == "openai" and v.language == "multi" for v in voices)
