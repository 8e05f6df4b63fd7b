"""Script writing: briefs in, scripts out, from an offline template or an LLM server."""

from app.content.analysis import Analysis, HookScore, analyze, flesch, score_hook
from app.content.base import ScriptWriter
from app.content.errors import ContentError, ScriptError, ScriptTransientError
from app.content.factory import get_writer
from app.content.hashtags import hashtags
from app.content.models import (
    PLATFORMS,
    TONES,
    Beat,
    Brief,
    Platform,
    Script,
    ScriptDraft,
    Tone,
)
from app.content.openai_writer import OpenAIWriter
from app.content.template import TemplateWriter
from app.content.variations import variations

__all__ = [
    "PLATFORMS",
    "TONES",
    "Analysis",
    "Beat",
    "Brief",
    "ContentError",
    "HookScore",
    "OpenAIWriter",
    "Platform",
    "Script",
    "ScriptDraft",
    "ScriptError",
    "ScriptTransientError",
    "ScriptWriter",
    "TemplateWriter",
    "Tone",
    "analyze",
    "flesch",
    "get_writer",
    "hashtags",
    "score_hook",
    "variations",
]
