"""Speech through the ElevenLabs API; word timings come from its character alignment."""

from __future__ import annotations

import base64
import binascii
import re
import time
from pathlib import Path
from typing import Any

import httpx

from app.core.http import HttpFailure, HttpRetry, Sleep, make_client, send
from app.speech.errors import SpeechError
from app.speech.models import Gender, Speech, Voice
from app.speech.remote import Rendered, failure_error, render_long, speed_for
from app.speech.timing import estimate, from_alignment
from app.speech.wav import read_pcm, write_wav

# eleven_multilingual_v2 takes 10 000 characters, the flash models 40 000; 5 000 suits all.
MAX_INPUT_CHARS = 5000
# voice_settings.speed accepts 0.7-1.2; 1.0 reads at roughly 150 words a minute.
NATURAL_WPM = 150
SPEED_RANGE = (0.7, 1.2)
_VOICE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # it goes into the URL path
_GENDERS: dict[str, Gender] = {"male": "male", "female": "female"}


class ElevenLabsSpeech:
    """Requests raw PCM (output_format pcm_<rate>) and wraps it in a WAV file."""

    name = "elevenlabs"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = "https://api.elevenlabs.io",
        model_id: str = "eleven_multilingual_v2",
        default_voice: str = "21m00Tcm4TlvDq8ikWAM",
        sample_rate_hz: int = 22050,
        with_timestamps: bool = True,
        timeout_s: float = 120.0,
        policy: HttpRetry | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.api_key = api_key
        self.base_url = base_url
        self.model_id = model_id
        self.default_voice = default_voice
        self.sample_rate_hz = sample_rate_hz
        self.with_timestamps = with_timestamps
        self.timeout_s = timeout_s
        self.policy = policy or HttpRetry()
        self.transport = transport
        self.sleep = sleep

    def _client(self) -> httpx.Client:
        return make_client(self.base_url, headers={"xi-api-key": self.api_key},
                           timeout_s=self.timeout_s, transport=self.transport)

    def _send(self, client: httpx.Client, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return send(client, method, url, policy=self.policy, sleep=self.sleep, **kwargs)
        except HttpFailure as exc:
            raise failure_error(exc, "ElevenLabs") from exc

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
        if not _VOICE_ID.match(voice):
            raise SpeechError("bad_voice", f"voice: {voice!r} is not an ElevenLabs voice id")
        body: dict[str, Any] = {"model_id": self.model_id}
        if rate_wpm is not None:
            body["voice_settings"] = {"speed": speed_for(rate_wpm, NATURAL_WPM, *SPEED_RANGE)}
        path = f"/v1/text-to-speech/{voice}" + ("/with-timestamps" if self.with_timestamps else "")
        params = {"output_format": f"pcm_{self.sample_rate_hz}"}
        with self._client() as client:

            def render(piece: str) -> Rendered:
                response = self._send(client, "POST", path, params=params,
                                      json={**body, "text": piece})
                if not self.with_timestamps:
                    return Rendered(response.content, self.sample_rate_hz, 1, None)
                return self._timestamped(response)

            audio = render_long(text, MAX_INPUT_CHARS, render)
        write_wav(out_path, audio.frames, sample_rate_hz=audio.sample_rate_hz)
        pcm = read_pcm(out_path)
        words = audio.words if audio.words is not None else estimate(text, pcm)
        return Speech(path=out_path, duration_s=round(pcm.duration_s, 3),
                      sample_rate_hz=pcm.sample_rate_hz, words=words, provider=self.name,
                      voice=voice, timing="aligned" if audio.words is not None else "estimated")

    def _timestamped(self, response: httpx.Response) -> Rendered:
        """Audio and word timings of a /with-timestamps answer."""
        try:
            data = response.json()
            frames = base64.b64decode(data["audio_base64"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise SpeechError("tts_bad_answer", f"ElevenLabs answer unreadable: {exc}") from exc
        alignment = data.get("alignment") or data.get("normalized_alignment")
        words = None
        if alignment:
            try:
                words = from_alignment(alignment["characters"],
                                       alignment["character_start_times_seconds"],
                                       alignment["character_end_times_seconds"])
            except (KeyError, TypeError, ValueError) as exc:
                raise SpeechError("tts_bad_answer", f"ElevenLabs alignment: {exc}") from exc
        return Rendered(frames[: len(frames) - len(frames) % 2], self.sample_rate_hz, 1, words)

    def voices(self) -> list[Voice]:
        """The account's voices from GET /v1/voices."""
        with self._client() as client:
            data = self._send(client, "GET", "/v1/voices").json()
        out = []
        for item in data.get("voices", []):
            labels = item.get("labels") or {}
            verified = item.get("verified_languages") or [{}]
            language = labels.get("language") or verified[0].get("language") or "multi"
            out.append(Voice(id=item["voice_id"], name=item.get("name") or item["voice_id"],
                             language=language, gender=_GENDERS.get(labels.get("gender", "")),
                             provider=self.name))
        return out
