"""The speech provider registry (app/speech/providers.py) is the one list: the settings'
allowed values, the API's enum (values and order), the factory, the configured check and the
default voices all follow it."""

from __future__ import annotations

from typing import get_args

from app.core.config import ENV_GROUPS, Settings
from app.core.config.speech import SpeechSettings
from app.schemas.workflow import VoiceSettings
from app.speech import get_speech_provider
from app.speech.providers import PROVIDERS, TtsProvider, configured, entry


def test_the_registry_the_settings_and_the_api_list_the_same_providers_in_order() -> None:
    assert tuple(PROVIDERS) == get_args(TtsProvider) == ("espeak", "openai", "elevenlabs")
    assert SpeechSettings.model_fields["TTS_PROVIDER"].annotation == TtsProvider
    schema = VoiceSettings.model_json_schema()["properties"]["provider"]
    assert [v for o in schema["anyOf"] for v in o.get("enum", [])] == list(PROVIDERS)
    assert all(e.name == name for name, e in PROVIDERS.items())


def test_every_entry_builds_its_provider_and_names_its_key() -> None:
    config = Settings.from_env(None, ELEVENLABS_API_KEY="xi-key",
                               OPENAI_BASE_URL="http://127.0.0.1:8880/v1")
    for name, e in PROVIDERS.items():
        provider = e.build(config)
        assert provider.name == name
        assert e.default_voice(config)
        assert e.key_setting is None or e.key_setting in ENV_GROUPS
    assert configured(config) == list(PROVIDERS)


def test_only_ready_providers_are_configured() -> None:
    offline = Settings.from_env(None, ELEVENLABS_API_KEY=None, OPENAI_API_KEY=None,
                                OPENAI_BASE_URL="https://api.openai.com/v1")
    assert configured(offline) == ["espeak"]
    assert entry("espeak").build(offline).name == get_speech_provider(offline).name
