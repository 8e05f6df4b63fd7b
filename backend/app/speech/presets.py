"""Preset voice names the offline provider answers to: well-known names from hosted
voice catalogues (the original plan's `"voice_id": "rachel"` is an ElevenLabs preset),
each mapped to an espeak-ng voice of the same language and a similar character, so a
request written for a hosted provider still speaks offline. docs/projects.md lists them."""

from __future__ import annotations

# name -> espeak-ng voice: language, plus a variant (f1-f5 female, m1-m7 male)
ESPEAK_PRESETS: dict[str, str] = {
    "rachel": "en-us+f3",   # ElevenLabs: calm American female
    "bella": "en-us+f2",    # ElevenLabs: soft American female
    "elli": "en-us+f4",     # ElevenLabs: young American female
    "domi": "en-us+f5",     # ElevenLabs: strong American female
    "adam": "en-us+m3",     # ElevenLabs: deep American male
    "antoni": "en-us+m1",   # ElevenLabs: rounded American male
    "josh": "en-us+m2",     # ElevenLabs: young American male
    "arnold": "en-us+m7",   # ElevenLabs: crisp American male
    "sam": "en-us+m4",      # ElevenLabs: raspy American male
    "alloy": "en-us",       # OpenAI: neutral
    "nova": "en-us+f2",     # OpenAI: bright female
    "shimmer": "en-us+f4",  # OpenAI: warm female
    "echo": "en-us+m1",     # OpenAI: male
    "onyx": "en-us+m3",     # OpenAI: deep male
    "fable": "en-gb+m2",    # OpenAI: British male
}


def espeak_voice(name: str) -> str:
    """The espeak-ng voice for `name`: a preset's voice, or the name as given."""
    return ESPEAK_PRESETS.get(name.lower(), name)
