"""Speech (app.speech): the TTS provider and each provider's voice and model."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from app.core.config.group import Group

# One name per entry of app/speech/providers.py PROVIDERS, in its order (the API's enum).
TtsProvider = Literal["espeak", "openai", "elevenlabs"]


class SpeechSettings(Group):
    """The narrator; OpenAI speech uses the server and key of the content settings."""

    # `espeak` is offline (Debian package espeak-ng).
    TTS_PROVIDER: TtsProvider = "espeak"
    TTS_TIMEOUT_S: float = 120.0
    ESPEAK_BINARY: str = "espeak-ng"
    ESPEAK_VOICE: str = "en-us"
    ESPEAK_RATE_WPM: int = 165  # espeak's own default is 175; 165 is closer to narration pace
    OPENAI_TTS_MODEL: str = "gpt-4o-mini-tts"
    OPENAI_TTS_VOICE: str = "alloy"
    ELEVENLABS_BASE_URL: str = "https://api.elevenlabs.io"
    ELEVENLABS_API_KEY: str | None = None
    ELEVENLABS_MODEL_ID: str = "eleven_multilingual_v2"
    ELEVENLABS_VOICE_ID: str = "21m00Tcm4TlvDq8ikWAM"  # "Rachel", a default library voice
    ELEVENLABS_SAMPLE_RATE_HZ: Literal[16000, 22050, 24000, 44100] = 22050  # 44100 needs Pro

    @field_validator("ELEVENLABS_SAMPLE_RATE_HZ", mode="before")
    @classmethod
    def _rate_from_text(cls, value: object) -> object:
        # the environment gives "24000", which a Literal of ints refuses without this
        return int(value) if isinstance(value, str) and value.isdigit() else value

    @model_validator(mode="after")
    def _elevenlabs_needs_a_key(self) -> SpeechSettings:
        if self.TTS_PROVIDER == "elevenlabs" and not self.ELEVENLABS_API_KEY:
            raise ValueError("ELEVENLABS_API_KEY must be set when TTS_PROVIDER is elevenlabs")
        return self
