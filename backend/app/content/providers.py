"""Every script writer, one entry each: its name (CONTENT_PROVIDER), a label, the setting
that holds its key and how the settings build it. The factory and the settings' allowed
values read this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.content.base import ScriptWriter
from app.content.openai_writer import OpenAIWriter
from app.content.template import TemplateWriter
from app.core.config import Settings
from app.core.config.content import ContentProvider
from app.core.http import HttpRetry

__all__ = ["WRITERS", "ContentProvider", "WriterEntry"]


@dataclass(frozen=True)
class WriterEntry:
    name: ContentProvider
    label: str
    build: Callable[[Settings], ScriptWriter]
    key_setting: str | None = None  # the setting that holds its key, where it needs one


def _openai(config: Settings) -> ScriptWriter:
    c = config.content
    return OpenAIWriter(base_url=c.OPENAI_BASE_URL, model=c.OPENAI_MODEL,
                        api_key=c.OPENAI_API_KEY, timeout_s=c.LLM_TIMEOUT_S,
                        temperature=c.LLM_TEMPERATURE,
                        policy=HttpRetry(max_attempts=c.HTTP_MAX_ATTEMPTS,
                                         max_wait_s=c.HTTP_MAX_RETRY_WAIT_S))


# In the order of ContentProvider; `template` is offline and the default.
WRITERS: dict[ContentProvider, WriterEntry] = {
    "template": WriterEntry("template", "Offline template writer", lambda c: TemplateWriter()),
    "openai": WriterEntry("openai", "OpenAI-compatible chat completions", _openai,
                          key_setting="OPENAI_API_KEY"),  # local servers need none
}
