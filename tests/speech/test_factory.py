"""TTS_PROVIDER picks the speech provider; the settings refuse an unusable combination."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.core.config import Settings
from app.speech import ElevenLabsSpeech, EspeakSpeech, OpenAISpeech, get_speech_provider


def test_espeak_is_the_default() -> None:
    provider = get_speech_provider(Settings.from_env(None, ESPEAK_RATE_WPM=150))
    assert isinstance(provider, EspeakSpeech) and provider.default_rate_wpm == 150


def test_http_providers_take_their_settings() -> None:
    eleven = get_speech_provider(Settings.from_env(None, TTS_PROVIDER="elevenlabs",
                                                   ELEVENLABS_API_KEY="xi-key",
                                                   ELEVENLABS_SAMPLE_RATE_HZ=24000))
    assert isinstance(eleven, ElevenLabsSpeech)
    assert (eleven.api_key, eleven.sample_rate_hz) == ("xi-key", 24000)
    openai = get_speech_provider(Settings.from_env(None, TTS_PROVIDER="openai",
                                                   OPENAI_BASE_URL="http://127.0.0.1:8880/v1",
                                                   OPENAI_TTS_VOICE="nova"))
    assert isinstance(openai, OpenAISpeech) and openai.default_voice == "nova"


def test_elevenlabs_needs_a_key() -> None:
    with pytest.raises(ValidationError, match="ELEVENLABS_API_KEY"):
        Settings.from_env(None, TTS_PROVIDER="elevenlabs", ELEVENLABS_API_KEY=None)
