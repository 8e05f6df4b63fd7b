"""The worker's side of speech jobs (app.speech): read the narration into a stored WAV."""

from __future__ import annotations

import logging
from typing import Any

from app.core.temp_names import JobFolder
from app.jobs.policy import TransientError
from app.jobs.runtime import JobFailed
from app.jobs.stored_inputs import private_folder
from app.services.voices import provider_for
from app.services.workflows.runtime import StepRun
from app.speech import (
    SpeechError,
    SpeechTransientError,
)
from app.storage import get_storage

log = logging.getLogger(__name__)


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
    with private_folder(JobFolder.SPEECH, step.job_id) as workdir:
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
