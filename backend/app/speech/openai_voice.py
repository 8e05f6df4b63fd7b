"""Speech through an OpenAI-compatible `/audio/speech` endpoint; word timings are estimated."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from app.core.http import HttpFailure, HttpRetry, Sleep, make_client, send
from app.speech.errors import SpeechError
from app.speech.models import Speech, Voice
from app.speech.remote import Rendered, failure_error, render_long, speed_for
from app.speech.timing import estimate
from app.speech.wav import read_pcm, repair_wav, write_wav

# The voices of the API reference (tts-1 speaks the first nine; gpt-4o-mini-tts all).
OPENAI_VOICES = ("alloy", "ash", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer",
                 "ballad", "verse", "marin", "cedar")
MAX_INPUT_CHARS = 4096  # the endpoint's documented input limit
# `speed` 1.0 reads at roughly 150 words a minute; the API accepts 0.25-4.0.
NATURAL_WPM = 150
SPEED_RANGE = (0.25, 4.0)


class OpenAISpeech:
    """Posts {model, voice, input, response_format: wav} and stores the answer as a WAV file."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        model: str = "gpt-4o-mini-tts",
        default_voice: str = "alloy",
        timeout_s: float = 120.0,
        policy: HttpRetry | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.model = model
        self.default_voice = default_voice
        self.timeout_s = timeout_s
        self.policy = policy or HttpRetry()
        self.transport = transport
        self.sleep = sleep

    def synthesize(
        self,
        text: str,
        voice: str | None = None,
        *,
        out_path: Path,
        rate_wpm: int | None = None,
        pitch: int | None = None,
    ) -> Speech:
        """Speak `text` into `out_path`; `pitch` has no equivalent in this API and is ignored."""
        if not text.strip():
            raise SpeechError("empty_text", "text: nothing to say")
        voice = voice or self.default_voice
        payload: dict[str, Any] = {"model": self.model, "voice": voice, "response_format": "wav"}
        if rate_wpm is not None:
            payload["speed"] = speed_for(rate_wpm, NATURAL_WPM, *SPEED_RANGE)
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        with make_client(self.base_url, headers=headers, timeout_s=self.timeout_s,
                         transport=self.transport) as client:

            def render(piece: str) -> Rendered:
                try:
                    response = send(client, "POST", "/audio/speech", policy=self.policy,
                                    sleep=self.sleep, json={**payload, "input": piece})
                except HttpFailure as exc:
                    raise failure_error(exc, "OpenAI speech") from exc
                frames, rate, channels = repair_wav(response.content)
                return Rendered(frames, rate, channels, None)

            audio = render_long(text, MAX_INPUT_CHARS, render)
        write_wav(out_path, audio.frames, sample_rate_hz=audio.sample_rate_hz,
                  channels=audio.channels)
        pcm = read_pcm(out_path)
        return Speech(path=out_path, duration_s=round(pcm.duration_s, 3),
                      sample_rate_hz=pcm.sample_rate_hz, words=estimate(text, pcm),
                      provider=self.name, voice=voice, timing="estimated")

    def voices(self) -> list[Voice]:
        """The fixed list from the API reference; each speaks many languages."""
        return [Voice(id=v, name=v.capitalize(), language="multi", provider=self.name)
                for v in OPENAI_VOICES]
