"""Which voices the server offers and whether a speech provider is usable here: read by
submits (a 422 naming the field), the voices route and the speech worker."""

from __future__ import annotations

import logging

from app.core.config import settings
from app.core.errors import AppError
from app.jobs.runtime import JobFailed
from app.speech import SpeechError, SpeechProvider, SpeechTransientError, Voice, get_speech_provider
from app.speech.providers import configured, entry

log = logging.getLogger(__name__)


def configured_providers() -> list[str]:
    """Providers usable with these settings: espeak offline, HTTP ones once given a key."""
    return configured(settings)


def check_voice_provider(provider: str | None, field: str) -> None:
    """Refuse a provider this server has no settings for (422 naming the field)."""
    if provider is not None and provider not in configured_providers():
        raise AppError("provider_unavailable",
                       f"speech provider {provider!r} is not configured here; available: "
                       f"{', '.join(configured_providers())}", 422, field=field)


def provider_for(name: str | None) -> SpeechProvider:
    """The named provider (None: TTS_PROVIDER) with the server's settings."""
    if name is None or name == settings.speech.TTS_PROVIDER:
        return get_speech_provider()
    if name not in configured_providers():
        raise JobFailed("provider_unavailable", f"speech provider {name!r} is not configured")
    return get_speech_provider(settings.model_copy(update={
        "speech": settings.speech.model_copy(update={"TTS_PROVIDER": name})}))


def list_voices() -> list[tuple[Voice, bool]]:
    """(voice, is the default) of every configured provider; one that fails is skipped."""
    speech = settings.speech
    out: list[tuple[Voice, bool]] = []
    for name in configured_providers():
        try:
            voices = provider_for(name).voices()
        except (SpeechError, SpeechTransientError, JobFailed) as exc:
            log.warning("speech.voices_failed", extra={"provider": name, "error": str(exc)})
            continue
        default = entry(name).default_voice(settings) if name == speech.TTS_PROVIDER else None
        out += [(v, v.id == default) for v in voices]
    return out
