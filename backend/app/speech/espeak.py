"""The offline provider: the espeak-ng binary writes the WAV, word timings are estimated."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from app.speech.errors import SpeechError
from app.speech.models import Gender, Speech, Voice
from app.speech.presets import ESPEAK_PRESETS, espeak_voice
from app.speech.timing import estimate
from app.speech.wav import read_pcm

INSTALL_HINT = (
    "install espeak-ng: `apt-get install -y espeak-ng` (Debian/Ubuntu), "
    "`brew install espeak-ng` (macOS), or set ESPEAK_BINARY to its path"
)
RATE_WPM_RANGE = (80, 450)  # espeak-ng -s accepts 80-450 words per minute
PITCH_RANGE = (0, 99)
# Language codes with an optional variant: "en-us", "en-gb-x-rp", "en-us+f3".
_VOICE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*(\+[A-Za-z0-9_\-]+)?$")
_GENDERS: dict[str, Gender] = {"M": "male", "F": "female"}


class EspeakSpeech:
    """Runs espeak-ng with the text on stdin (never through a shell)."""

    name = "espeak"

    def __init__(
        self,
        *,
        binary: str = "espeak-ng",
        default_voice: str = "en-us",
        default_rate_wpm: int = 165,
        timeout_s: float = 120.0,
    ) -> None:
        self.binary = binary
        self.default_voice = default_voice
        self.default_rate_wpm = default_rate_wpm
        self.timeout_s = timeout_s

    def executable(self) -> str:
        """Path of the espeak-ng binary, or SpeechError saying how to install it."""
        found = shutil.which(self.binary)
        if found is None:
            raise SpeechError("espeak_missing", f"{self.binary} not found on PATH; {INSTALL_HINT}")
        return found

    def _run(self, args: list[str], text: str | None = None) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                [self.executable(), *args],
                input=None if text is None else text.encode("utf-8"),
                capture_output=True,
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SpeechError("espeak_timeout", f"espeak-ng ran past {self.timeout_s:g} s") from exc

    def synthesize(
        self,
        text: str,
        voice: str | None = None,
        *,
        out_path: Path,
        rate_wpm: int | None = None,
        pitch: int | None = None,
    ) -> Speech:
        """Speak `text` into `out_path` (16-bit mono WAV at 22 050 Hz)."""
        if not text.strip():
            raise SpeechError("empty_text", "text: nothing to say")
        voice = espeak_voice(voice or self.default_voice)
        rate = self.default_rate_wpm if rate_wpm is None else rate_wpm
        pitch = 50 if pitch is None else pitch
        if not _VOICE.match(voice):
            raise SpeechError("bad_voice", f"voice: {voice!r} is not an espeak-ng voice name")
        if not RATE_WPM_RANGE[0] <= rate <= RATE_WPM_RANGE[1]:
            raise SpeechError("bad_rate", f"rate_wpm: {rate} is outside {RATE_WPM_RANGE}")
        if not PITCH_RANGE[0] <= pitch <= PITCH_RANGE[1]:
            raise SpeechError("bad_pitch", f"pitch: {pitch} is outside {PITCH_RANGE}")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex}.part.wav")
        try:
            # -b 1: the input is UTF-8; --stdin: read all of it at once, not line by line.
            done = self._run(["-v", voice, "-s", str(rate), "-p", str(pitch), "-b", "1",
                              "-w", str(tmp), "--stdin"], text)
            if done.returncode != 0 or not tmp.is_file():
                err = done.stderr.decode(errors="replace").strip()
                code = "unknown_voice" if "voice does not exist" in err else "espeak_failed"
                raise SpeechError(code, f"espeak-ng exited {done.returncode}: {err[-500:]}")
            pcm = read_pcm(tmp)
            os.replace(tmp, out_path)
        finally:
            tmp.unlink(missing_ok=True)
        return Speech(
            path=out_path,
            duration_s=round(pcm.duration_s, 3),
            sample_rate_hz=pcm.sample_rate_hz,
            words=estimate(text, pcm),
            provider=self.name,
            voice=voice,
            timing="estimated",
        )

    def voices(self) -> list[Voice]:
        """Languages espeak-ng speaks by itself (MBROLA voices need extra packages: left out)."""
        done = self._run(["--voices"])
        if done.returncode != 0:
            raise SpeechError("espeak_failed", done.stderr.decode(errors="replace")[-500:])
        found: dict[str, Voice] = {}
        for line in done.stdout.decode(errors="replace").splitlines()[1:]:
            parts = line.split()
            if len(parts) < 5 or parts[4].startswith("mb/") or parts[1] == "variant":
                continue
            language, gender, name = parts[1], parts[2].rpartition("/")[2], parts[3]
            found.setdefault(language, Voice(
                id=language, name=name.replace("_", " "), language=language,
                gender=_GENDERS.get(gender), provider=self.name))
        presets = [Voice(id=name, name=f"{name.title()} (preset: {voice})",
                         language=voice.partition("+")[0],
                         gender="female" if "+f" in voice else "male" if "+m" in voice
                         else None, provider=self.name)
                   for name, voice in ESPEAK_PRESETS.items()
                   if voice.partition("+")[0] in found]
        return sorted(found.values(), key=lambda v: v.id) + presets
