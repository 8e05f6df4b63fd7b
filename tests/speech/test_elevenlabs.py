"""ElevenLabs against a local server speaking its text-to-speech and voices routes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core.http import HttpRetry
from app.speech import ElevenLabsSpeech, SpeechError, SpeechTransientError, WordTiming
from app.speech.wav import read_pcm
from tests.content.scripted_server import Reply, ScriptedServer, scripted_server
from tests.speech.fake_services import ELEVEN_KEY, elevenlabs, layout

TEXT = "Hi, I'm Ana! Black holes bend time, and light."
RACHEL = "21m00Tcm4TlvDq8ikWAM"


@pytest.fixture(scope="module")
def service() -> Iterator[ScriptedServer]:
    with scripted_server(fallback=elevenlabs) as srv:
        yield srv


@pytest.fixture
def server(service: ScriptedServer) -> ScriptedServer:
    service.reset()
    return service


def provider(url: str, naps: list[float], **kwargs: Any) -> ElevenLabsSpeech:
    options: dict[str, Any] = {"api_key": ELEVEN_KEY, "timeout_s": 5, "sleep": naps.append,
                               **kwargs}
    return ElevenLabsSpeech(base_url=url, **options)


def test_alignment_becomes_word_timings(server: ScriptedServer, tmp_path: Path) -> None:
    speech = provider(server.url, []).synthesize(TEXT, out_path=tmp_path / "v.wav", rate_wpm=165)
    (seen,) = server.requests
    assert seen.path == f"/v1/text-to-speech/{RACHEL}/with-timestamps?output_format=pcm_22050"
    assert seen.headers["xi-api-key"] == ELEVEN_KEY
    assert seen.json() == {"model_id": "eleven_multilingual_v2", "text": TEXT,
                           "voice_settings": {"speed": 1.1}}
    words, duration = layout(TEXT)
    assert speech.words == [WordTiming(w, a, b) for w, a, b in words]
    assert speech.timing == "aligned" and speech.provider == "elevenlabs"
    pcm = read_pcm(speech.path)
    assert (pcm.sample_rate_hz, pcm.channels) == (22050, 1)
    assert speech.duration_s == pytest.approx(duration, abs=0.001)


def test_plain_endpoint_estimates_timings(server: ScriptedServer, tmp_path: Path) -> None:
    speech = provider(server.url, [], with_timestamps=False, sample_rate_hz=16000).synthesize(
        TEXT, "pNInz6obpgDQGcFmaJgB", out_path=tmp_path / "v.wav")
    assert server.requests[0].path == (
        "/v1/text-to-speech/pNInz6obpgDQGcFmaJgB?output_format=pcm_16000")
    assert speech.timing == "estimated" and speech.sample_rate_hz == 16000
    words, _ = layout(TEXT)
    for got, (_, start, end) in zip(speech.words, words, strict=True):
        assert got.start_s == pytest.approx(start, abs=0.03)
        assert got.end_s == pytest.approx(end, abs=0.03)


def test_long_text_offsets_each_part(server: ScriptedServer, tmp_path: Path) -> None:
    sentence = "Every sentence here is short, but there are many of them."
    text = " ".join([sentence] * 100)
    speech = provider(server.url, []).synthesize(text, out_path=tmp_path / "v.wav")
    parts = [s.json()["text"] for s in server.requests]
    assert len(parts) == 2 and all(len(p) <= 5000 for p in parts)
    first_words, first_s = layout(parts[0])
    n = len(first_words)
    second_words, second_s = layout(parts[1])
    assert speech.words[:n] == [WordTiming(w, a, b) for w, a, b in first_words]
    assert speech.words[n] == WordTiming(second_words[0][0], round(first_s, 3),
                                         round(first_s + second_words[0][2], 3))
    assert speech.duration_s == pytest.approx(first_s + second_s, abs=0.001)


def test_voices_from_the_account(server: ScriptedServer) -> None:
    voices = {v.id: v for v in provider(server.url, []).voices()}
    assert voices[RACHEL].name == "Rachel" and voices[RACHEL].gender == "female"
    assert voices[RACHEL].language == "en"
    assert voices["pNInz6obpgDQGcFmaJgB"].gender == "male"
    assert voices["pNInz6obpgDQGcFmaJgB"].language == "multi"
    assert voices["robot01"].language == "de" and voices["robot01"].gender is None
    assert server.requests[0].path == "/v1/voices"


def test_429_and_500_are_retried(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(Reply(429, {"detail": {"status": "too_many_concurrent_requests"}},
                       {"Retry-After": "3"}),
                 Reply(500, {"detail": "internal"}))
    naps: list[float] = []
    speech = provider(server.url, naps).synthesize(TEXT, out_path=tmp_path / "v.wav")
    assert len(server.requests) == 3 and naps[0] == 3.0 and len(naps) == 2
    assert speech.timing == "aligned"


def test_busy_past_the_attempts_is_transient(server: ScriptedServer, tmp_path: Path) -> None:
    server.queue(*[Reply(429, {"detail": "busy"}, {"Retry-After": "2"})] * 2)
    with pytest.raises(SpeechTransientError) as info:
        provider(server.url, [], policy=HttpRetry(max_attempts=2)).synthesize(
            TEXT, out_path=tmp_path / "v.wav")
    assert info.value.code == "tts_rate_limited" and info.value.retry_after_s == 2.0


def test_401_is_permanent(server: ScriptedServer, tmp_path: Path) -> None:
    naps: list[float] = []
    with pytest.raises(SpeechError) as info:
        provider(server.url, naps, api_key="wrong").synthesize(TEXT, out_path=tmp_path / "v.wav")
    assert info.value.code == "tts_auth" and "invalid_api_key" in info.value.message
    assert len(server.requests) == 1 and naps == []


def test_unknown_voice_and_bad_request_are_permanent(
    server: ScriptedServer, tmp_path: Path
) -> None:
    with pytest.raises(SpeechError) as info:
        provider(server.url, []).synthesize(TEXT, "nobody123", out_path=tmp_path / "v.wav")
    assert info.value.code == "tts_not_found"
    server.queue(Reply(422, {"detail": [{"loc": ["body", "text"], "msg": "field required"}]}))
    with pytest.raises(SpeechError) as info:
        provider(server.url, []).synthesize(TEXT, out_path=tmp_path / "v.wav")
    assert info.value.code == "tts_rejected"
    assert len(server.requests) == 2


def test_voice_ids_cannot_leave_the_path(server: ScriptedServer, tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as info:
        provider(server.url, []).synthesize(TEXT, "../v1/voices", out_path=tmp_path / "v.wav")
    assert info.value.code == "bad_voice" and server.requests == []
