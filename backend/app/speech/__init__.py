"""Speech: text in, a WAV voice-over and word timings out, offline (espeak-ng) or over HTTP."""

from app.speech.base import SpeechProvider
from app.speech.elevenlabs import ElevenLabsSpeech
from app.speech.errors import SpeechError, SpeechTransientError, TtsError
from app.speech.espeak import EspeakSpeech
from app.speech.factory import get_speech_provider
from app.speech.models import Speech, Voice, WordTiming
from app.speech.openai_voice import OpenAISpeech
from app.speech.timing import estimate, from_alignment

__all__ = [
    "ElevenLabsSpeech",
    "EspeakSpeech",
    "OpenAISpeech",
    "Speech",
    "SpeechError",
    "SpeechProvider",
    "SpeechTransientError",
    "TtsError",
    "Voice",
    "WordTiming",
    "estimate",
    "from_alignment",
    "get_speech_provider",
]
