"""libespeak-ng's own word events, read through ctypes: the reference for estimated timings.

The CLI cannot report word positions, the library can (espeakEVENT_WORD carries the word's
character offset and its audio position in ms). Tests render the same text through the
library, run the estimator on that audio and compare.
"""

from __future__ import annotations

import ctypes
from array import array
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    Union,
    c_char,
    c_char_p,
    c_int,
    c_short,
    c_uint,
    c_void_p,
)
from typing import Any

from app.speech.wav import Pcm

AUDIO_OUTPUT_SYNCHRONOUS = 2
EVENT_LIST_TERMINATED, EVENT_WORD = 0, 1
PARAM_RATE, PARAM_PITCH = 1, 3
POS_CHARACTER, CHARS_UTF8 = 1, 1


class _Id(Union):
    _fields_ = [("number", c_int), ("name", c_char_p), ("string", c_char * 8)]


class _Event(Structure):
    _fields_ = [("type", c_int), ("unique_identifier", c_uint), ("text_position", c_int),
                ("length", c_int), ("audio_position", c_int), ("sample", c_int),
                ("user_data", c_void_p), ("id", _Id)]


_Callback = CFUNCTYPE(c_int, POINTER(c_short), c_int, POINTER(_Event))


class EspeakLibrary:
    """Synchronous synthesis that keeps the samples and the word events."""

    def __init__(self) -> None:
        self.lib = ctypes.CDLL("libespeak-ng.so.1")
        self.sample_rate_hz = self.lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0)
        if self.sample_rate_hz <= 0:
            raise OSError("espeak_Initialize failed")
        self._samples = array("h")
        self._words: dict[int, float] = {}
        self._callback = _Callback(self._collect)  # kept alive as long as the library uses it
        self.lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        if count > 0:
            self._samples.extend(wav[:count])
        i = 0
        while events[i].type != EVENT_LIST_TERMINATED:
            if events[i].type == EVENT_WORD:
                self._words[events[i].text_position - 1] = events[i].audio_position / 1000
            i += 1
        return 0

    def speak(self, text: str, *, voice: str = "en-us", rate_wpm: int = 165,
              pitch: int = 50) -> tuple[Pcm, dict[int, float]]:
        """The audio and {byte offset of each word in the UTF-8 text: start in seconds}."""
        self._samples, self._words = array("h"), {}
        self.lib.espeak_SetVoiceByName(voice.encode())
        self.lib.espeak_SetParameter(PARAM_RATE, rate_wpm, 0)
        self.lib.espeak_SetParameter(PARAM_PITCH, pitch, 0)
        data = text.encode()
        self.lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None)
        self.lib.espeak_Synchronize()
        return Pcm(self._samples, self.sample_rate_hz, 1), dict(self._words)
