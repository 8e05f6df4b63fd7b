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
    speech, server = config.speech, config.content  # OpenAI speech shares the LLM's server
    policy = HttpRetry(max_attempts=server.HTTP_MAX_ATTEMPTS,
                         max_wait_s=server.HTTP_MAX_RETRY_WAIT_S)
    if speech.TTS_PROVIDER == "openai":
        return OpenAISpeech(base_url=server.OPENAI_BASE_URL, api_key=server.OPENAI_API_KEY,
                            model=speech.OPENAI_TTS_MODEL, default_voice=speech.OPENAI_TTS_VOICE,
                            timeout_s=speech.TTS_TIMEOUT_S, policy=policy)
    if speech.TTS_PROVIDER == "elevenlabs":
        if not speech.ELEVENLABS_API_KEY:
            raise SpeechError("tts_auth", "ELEVENLABS_API_KEY is not set")
        return ElevenLabsSpeech(api_key=speech.ELEVENLABS_API_KEY,
                                base_url=speech.ELEVENLABS_BASE_URL,
                                model_id=speech.ELEVENLABS_MODEL_ID,
                                default_voice=speech.ELEVENLABS_VOICE_ID,
                                sample_rate_hz=speech.ELEVENLABS_SAMPLE_RATE_HZ,
                                timeout_s=speech.TTS_TIMEOUT_S, policy=policy)
    return EspeakSpeech(binary=speech.ESPEAK_BINARY, default_voice=speech.ESPEAK_VOICE,
                        default_rate_wpm=speech.ESPEAK_RATE_WPM, timeout_s=speech.TTS_TIMEOUT_S)
