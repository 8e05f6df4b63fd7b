"""Local stand-ins for the OpenAI and ElevenLabs speech APIs, answering as the real ones do.

Audio is synthetic but laid out like speech: a tone of 60 ms per letter for each word (90 ms
for the last word of a phrase, which speakers lengthen), 40 ms between words, 300 ms after
punctuation. ElevenLabs' alignment spreads each word's time over
its letters.
"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.core.text import WORD
from tests.content.scripted_server import Reply, Seen
from tests.speech.audio import streamed_wav, tone_frames

LETTER_S, GAP_S, PAUSE_S = 0.06, 0.04, 0.30
OPENAI_KEY, ELEVEN_KEY = "sk-test", "xi-test"
OPENAI_VOICES = {"alloy", "nova", "onyx"}
ELEVEN_VOICES: list[dict[str, Any]] = [
    {"voice_id": "21m00Tcm4TlvDq8ikWAM", "name": "Rachel", "category": "premade",
     "labels": {"accent": "american", "gender": "female", "age": "young"},
     "verified_languages": [{"language": "en", "model_id": "eleven_multilingual_v2"}]},
    {"voice_id": "pNInz6obpgDQGcFmaJgB", "name": "Adam", "labels": {"gender": "male"}},
    {"voice_id": "robot01", "name": "Robot", "labels": {"language": "de"}},
]


def layout(text: str) -> tuple[list[tuple[str, float, float]], float]:
    """Each word's (word, start, end) in the fake audio, and the audio's length."""
    words, t = [], 0.0
    matches = list(WORD.finditer(text))
    for i, m in enumerate(matches):
        after = text[m.end():matches[i + 1].start()] if i + 1 < len(matches) else text[m.end():]
        final = i + 1 == len(matches) or bool(re.search(r"[,.;:!?]", after))
        length = LETTER_S * sum(c.isalnum() for c in m.group()) * (1.5 if final else 1.0)
        words.append((m.group(), round(t, 6), round(t + length, 6)))
        t += length + (PAUSE_S if final else GAP_S)
    return words, round(t, 6)


def pcm_for(text: str, sample_rate_hz: int) -> bytes:
    words, duration = layout(text)
    return tone_frames([(a, b) for _, a, b in words], duration, sample_rate_hz)


def alignment(text: str) -> dict[str, list[Any]]:
    """Per-character times: a word's letters share its tone; other characters sit between."""
    words, _ = layout(text)
    starts, ends = [0.0] * len(text), [0.0] * len(text)
    t = 0.0
    spans = [(m.start(), m.end()) for m in WORD.finditer(text)]
    k = 0
    for i in range(len(text)):
        if k < len(spans) and spans[k][0] <= i < spans[k][1]:
            a, b = words[k][1], words[k][2]
            n, j = spans[k][1] - spans[k][0], i - spans[k][0]
            starts[i] = a + (b - a) * j / n
            ends[i] = b if j == n - 1 else a + (b - a) * (j + 1) / n
            t = ends[i]
            if j == n - 1:
                k += 1
        else:
            starts[i] = ends[i] = t
    return {"characters": list(text), "character_start_times_seconds": starts,
            "character_end_times_seconds": ends}


def _error(status: int, message: str) -> Reply:
    return Reply(status, {"error": {"message": message, "type": "invalid_request_error"}})


def openai_speech(seen: Seen) -> Reply:
    """POST /v1/audio/speech as OpenAI answers it: a streamed WAV at 24 kHz."""
    if (seen.method, seen.path) != ("POST", "/v1/audio/speech"):
        return _error(404, f"Invalid URL ({seen.method} {seen.path})")
    if seen.headers.get("Authorization") != f"Bearer {OPENAI_KEY}":
        return _error(401, "Incorrect API key provided")
    body = seen.json()
    if body.get("voice") not in OPENAI_VOICES:
        return _error(400, f"Invalid value for 'voice': {body.get('voice')!r}")
    if body.get("response_format") != "wav" or not body.get("model"):
        return _error(400, "this stand-in serves model + response_format wav only")
    if len(body["input"]) > 4096:
        return _error(400, "string too long. Expected a string with maximum length 4096")
    return Reply(200, streamed_wav(pcm_for(body["input"], 24000), 24000),
                 {"Content-Type": "audio/wav"})


def elevenlabs(seen: Seen) -> Reply:
    """The ElevenLabs routes the provider uses, with their answers and error shapes."""
    url = urlsplit(seen.path)
    if seen.headers.get("xi-api-key") != ELEVEN_KEY:
        return Reply(401, {"detail": {"status": "invalid_api_key",
                                      "message": "Invalid API key"}})
    if (seen.method, url.path) == ("GET", "/v1/voices"):
        return Reply(200, {"voices": ELEVEN_VOICES})
    route = re.fullmatch(r"/v1/text-to-speech/([^/]+)(/with-timestamps)?", url.path)
    if seen.method != "POST" or route is None:
        return Reply(404, {"detail": "Not Found"})
    if route.group(1) not in {v["voice_id"] for v in ELEVEN_VOICES}:
        return Reply(404, {"detail": {"status": "voice_not_found",
                                      "message": "A voice with that id was not found."}})
    fmt = parse_qs(url.query).get("output_format", ["mp3_44100_128"])[0]
    if not fmt.startswith("pcm_"):
        return Reply(422, {"detail": "this stand-in serves pcm_* output only"})
    text = seen.json()["text"]
    pcm = pcm_for(text, int(fmt[4:]))
    if route.group(2) is None:
        return Reply(200, pcm, {"Content-Type": "audio/pcm"})
    return Reply(200, {"audio_base64": base64.b64encode(pcm).decode(),
                       "alignment": alignment(text), "normalized_alignment": alignment(text)})
