"""The worker's side of speech jobs (app.speech), and which voices the server offers."""

from __future__ import annotations

import logging
from typing import Any

from app.core.config import settings
from app.core.errors import AppError
from app.jobs.policy import TransientError
from app.jobs.runtime import JobFailed
from app.services.workers.stored_inputs import private_folder
from app.services.workflows.runtime import StepRun
from app.speech import (
    SpeechError,
    SpeechProvider,
    SpeechTransientError,
    Voice,
    get_speech_provider,
)
from app.storage import get_storage

log = logging.getLogger(__name__)


def configured_providers() -> list[str]:
    """Providers usable with these settings: espeak offline, HTTP ones once given a key."""
    names = ["espeak"]
    openai_ready = (settings.content.OPENAI_API_KEY is not None
                    or "api.openai.com" not in settings.content.OPENAI_BASE_URL)
    if settings.speech.TTS_PROVIDER == "openai" or openai_ready:
        names.append("openai")
    if settings.speech.ELEVENLABS_API_KEY:
        names.append("elevenlabs")
    return names


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
    defaults = {"espeak": speech.ESPEAK_VOICE, "openai": speech.OPENAI_TTS_VOICE,
                "elevenlabs": speech.ELEVENLABS_VOICE_ID}
    out: list[tuple[Voice, bool]] = []
    for name in configured_providers():
        try:
            voices = provider_for(name).voices()
        except (SpeechError, SpeechTransientError, JobFailed) as exc:
            log.warning("speech.voices_failed", extra={"provider": name, "error": str(exc)})
            continue
        out += [(v, name == speech.TTS_PROVIDER and v.id == defaults[name]) for v in voices]
    return out


def narration_of(step: StepRun) -> str:
    """The text to read: the job's own, or the script the content step wrote."""
    if step.params.get("text"):
        return str(step.params["text"])
    return str(step.earlier("content").result["narration"])  # type: ignore[index]


def synthesize(step: StepRun) -> dict[str, Any]:
    """Speak the narration into a WAV stored under the job's key, with word timings."""
    voice = step.params.get("voice") or {}
    text = narration_of(step)
    step.progress(0.0, "speaking", force=True)
    with private_folder("speech", step.job_id) as workdir:
        try:
            provider = provider_for(voice.get("provider"))
            speech = provider.synthesize(text, voice.get("voice"), out_path=workdir / "voice.wav",
                                         rate_wpm=voice.get("rate_wpm"))
            step.progress(1.0, "storing", force=True)
            key = step.result_key("voice.wav")
            get_storage().put_file(key, speech.path, content_type="audio/wav")
        except SpeechTransientError as exc:
            raise TransientError(exc.message) from exc
        except SpeechError as exc:
            raise JobFailed(exc.code, exc.message) from None
    return {"output_key": key, "duration_s": speech.duration_s,
            "sample_rate_hz": speech.sample_rate_hz, "provider": speech.provider,
            "voice": speech.voice, "timing": speech.timing,
            "words": [[w.word, round(w.start_s, 3), round(w.end_s, 3)] for w in speech.words]}
