"""The speech provider chosen by the settings (TTS_PROVIDER), built by its registry entry."""

from __future__ import annotations

from app.core.config import Settings, settings
from app.speech.base import SpeechProvider
from app.speech.providers import entry


def get_speech_provider(config: Settings = settings) -> SpeechProvider:
    """The provider TTS_PROVIDER names (app/speech/providers.py), with these settings."""
    return entry(config.speech.TTS_PROVIDER).build(config)
