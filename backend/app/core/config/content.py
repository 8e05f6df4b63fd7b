"""Script writing (app.content), the OpenAI-compatible server and the HTTP adapters' retry."""

from __future__ import annotations

from typing import Literal

from pydantic import model_validator

from app.core.config.group import Group

# One name per entry of app/content/providers.py WRITERS, in its order.
ContentProvider = Literal["template", "openai"]


class ContentSettings(Group):
    """The script writer; the server address, key and retry are shared with speech."""

    # `template` is offline; `openai` speaks chat completions to any compatible server
    # (OpenAI, Ollama, vLLM, LM Studio) at OPENAI_BASE_URL.
    CONTENT_PROVIDER: ContentProvider = "template"
    OPENAI_BASE_URL: str = "https://api.openai.com/v1"
    OPENAI_API_KEY: str | None = None  # local servers usually need none
    OPENAI_MODEL: str = "gpt-4o-mini"
    LLM_TIMEOUT_S: float = 60.0  # one request, read timeout; connecting gets 10 s
    LLM_TEMPERATURE: float = 0.8
    # HTTP adapters (LLM and TTS): tries per call, and the longest wait between two tries;
    # a Retry-After above the wait cap is handed to the task layer as a transient error.
    HTTP_MAX_ATTEMPTS: int = 4
    HTTP_MAX_RETRY_WAIT_S: float = 30.0

    @model_validator(mode="after")
    def _at_least_one_attempt(self) -> ContentSettings:
        if self.HTTP_MAX_ATTEMPTS < 1:
            raise ValueError("HTTP_MAX_ATTEMPTS must be at least 1")
        return self
