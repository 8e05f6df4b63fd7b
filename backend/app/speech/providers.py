"""Every speech provider, one entry each: its name (TTS_PROVIDER and a workflow's
`voice.provider`), a label, the setting that holds its key, its default voice and how the
settings build it. The factory, the API's enum, the voices list and the "is it configured"
check read this table; docs/how-to-add/tts-provider.md walks through adding a provider."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.config import Settings
from app.core.config.speech import TtsProvider
from app.core.http import HttpRetry
from app.speech.base import SpeechProvider
from app.speech.elevenlabs import ElevenLabsSpeech
from app.speech.errors import SpeechError
from app.speech.espeak import EspeakSpeech
from app.speech.openai_voice import OpenAISpeech

__all__ = ["PROVIDERS", "SpeechEntry", "TtsProvider", "configured", "entry"]


@dataclass(frozen=True)
class SpeechEntry:
    name: TtsProvider
    label: str
    build: Callable[[Settings], SpeechProvider]
    default_voice: Callable[[Settings], str]
    # usable with these settings without being TTS_PROVIDER (a key given, or a local server)
    ready: Callable[[Settings], bool]
    key_setting: str | None = None  # the setting that must hold a key before it is used


def _policy(config: Settings) -> HttpRetry:
    return HttpRetry(max_attempts=config.content.HTTP_MAX_ATTEMPTS,
                     max_wait_s=config.content.HTTP_MAX_RETRY_WAIT_S)


def _espeak(config: Settings) -> SpeechProvider:
    s = config.speech
    return EspeakSpeech(binary=s.ESPEAK_BINARY, default_voice=s.ESPEAK_VOICE,
                        default_rate_wpm=s.ESPEAK_RATE_WPM, timeout_s=s.TTS_TIMEOUT_S)


def _openai(config: Settings) -> SpeechProvider:
    s, server = config.speech, config.content  # OpenAI speech shares the LLM's server
    return OpenAISpeech(base_url=server.OPENAI_BASE_URL, api_key=server.OPENAI_API_KEY,
                        model=s.OPENAI_TTS_MODEL, default_voice=s.OPENAI_TTS_VOICE,
                        timeout_s=s.TTS_TIMEOUT_S, policy=_policy(config))


def _openai_ready(config: Settings) -> bool:
    # local OpenAI-compatible servers take no key; api.openai.com always wants one
    server = config.content
    return server.OPENAI_API_KEY is not None or "api.openai.com" not in server.OPENAI_BASE_URL


def _elevenlabs(config: Settings) -> SpeechProvider:
    s = config.speech
    if not s.ELEVENLABS_API_KEY:
        raise SpeechError("tts_auth", "ELEVENLABS_API_KEY is not set")
    return ElevenLabsSpeech(api_key=s.ELEVENLABS_API_KEY, base_url=s.ELEVENLABS_BASE_URL,
                            model_id=s.ELEVENLABS_MODEL_ID, default_voice=s.ELEVENLABS_VOICE_ID,
                            sample_rate_hz=s.ELEVENLABS_SAMPLE_RATE_HZ,
                            timeout_s=s.TTS_TIMEOUT_S, policy=_policy(config))


# In the order of the API's enum (TtsProvider); espeak is offline and always ready.
PROVIDERS: dict[TtsProvider, SpeechEntry] = {
    "espeak": SpeechEntry("espeak", "espeak-ng (offline)", _espeak,
                          lambda c: c.speech.ESPEAK_VOICE, lambda c: True),
    "openai": SpeechEntry("openai", "OpenAI-compatible speech", _openai,
                          lambda c: c.speech.OPENAI_TTS_VOICE, _openai_ready,
                          key_setting="OPENAI_API_KEY"),
    "elevenlabs": SpeechEntry("elevenlabs", "ElevenLabs", _elevenlabs,
                              lambda c: c.speech.ELEVENLABS_VOICE_ID,
                              lambda c: bool(c.speech.ELEVENLABS_API_KEY),
                              key_setting="ELEVENLABS_API_KEY"),
}


def entry(name: str) -> SpeechEntry:
    """The entry of provider `name`; KeyError for a name that is none."""
    return PROVIDERS[name]  # type: ignore[index]


def configured(config: Settings) -> list[str]:
    """Providers usable with these settings, in the enum's order: TTS_PROVIDER and the ready."""
    return [name for name, e in PROVIDERS.items()
            if name == config.speech.TTS_PROVIDER or e.ready(config)]
