"""The speech provider chosen by the settings (TTS_PROVIDER)."""

from __future__ import annotations

from app.core.config import Settings, settings
from app.core.http import HttpRetry
from app.speech.base import SpeechProvider
from app.speech.elevenlabs import ElevenLabsSpeech
from app.speech.errors import SpeechError
from app.speech.espeak import EspeakSpeech
from app.speech.openai_voice import OpenAISpeech


def get_speech_provider(config: Settings = settings) -> SpeechProvider:
    """`espeak` (offline, the default), `openai` or `elevenlabs`."""
    policy = HttpRetry(max_attempts=config.HTTP_MAX_ATTEMPTS,
                         max_wait_s=config.HTTP_MAX_RETRY_WAIT_S)
    if config.TTS_PROVIDER == "openai":
        return OpenAISpeech(base_url=config.OPENAI_BASE_URL, api_key=config.OPENAI_API_KEY,
                            model=config.OPENAI_TTS_MODEL, default_voice=config.OPENAI_TTS_VOICE,
                            timeout_s=config.TTS_TIMEOUT_S, policy=policy)
    if config.TTS_PROVIDER == "elevenlabs":
        if not config.ELEVENLABS_API_KEY:
            raise SpeechError("tts_auth", "ELEVENLABS_API_KEY is not set")
        return ElevenLabsSpeech(api_key=config.ELEVENLABS_API_KEY,
                                base_url=config.ELEVENLABS_BASE_URL,
                                model_id=config.ELEVENLABS_MODEL_ID,
                                default_voice=config.ELEVENLABS_VOICE_ID,
                                sample_rate_hz=config.ELEVENLABS_SAMPLE_RATE_HZ,
                                timeout_s=config.TTS_TIMEOUT_S, policy=policy)
    return EspeakSpeech(binary=config.ESPEAK_BINARY, default_voice=config.ESPEAK_VOICE,
                        default_rate_wpm=config.ESPEAK_RATE_WPM, timeout_s=config.TTS_TIMEOUT_S)
