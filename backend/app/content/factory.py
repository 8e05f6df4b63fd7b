"""The script writer chosen by the settings (CONTENT_PROVIDER)."""

from __future__ import annotations

from app.content.base import ScriptWriter
from app.content.openai_writer import OpenAIWriter
from app.content.template import TemplateWriter
from app.core.config import Settings, settings
from app.core.http import HttpRetry


def get_writer(config: Settings = settings) -> ScriptWriter:
    """`template` (offline, the default) or `openai` (any chat-completions server)."""
    if config.content.CONTENT_PROVIDER == "openai":
        return OpenAIWriter(
            base_url=config.content.OPENAI_BASE_URL,
            model=config.content.OPENAI_MODEL,
            api_key=config.content.OPENAI_API_KEY,
            timeout_s=config.content.LLM_TIMEOUT_S,
            temperature=config.content.LLM_TEMPERATURE,
            policy=HttpRetry(max_attempts=config.content.HTTP_MAX_ATTEMPTS,
                               max_wait_s=config.content.HTTP_MAX_RETRY_WAIT_S),
        )
    return TemplateWriter()
