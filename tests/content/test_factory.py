"""CONTENT_PROVIDER picks the writer; the settings refuse an unusable combination."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from app.content import OpenAIWriter, TemplateWriter, get_writer
from app.core.config import Settings


def test_template_is_the_default() -> None:
    assert isinstance(get_writer(Settings.from_env(None)), TemplateWriter)


def test_openai_writer_takes_its_settings() -> None:
    config = Settings.from_env(None, CONTENT_PROVIDER="openai",
                               OPENAI_BASE_URL="http://127.0.0.1:11434/v1",
                               OPENAI_MODEL="llama3.1", LLM_TIMEOUT_S=12, HTTP_MAX_ATTEMPTS=2)
    writer = get_writer(config)
    assert isinstance(writer, OpenAIWriter)
    assert (writer.base_url, writer.model, writer.api_key, writer.timeout_s) == (
        "http://127.0.0.1:11434/v1", "llama3.1", None, 12)
    assert writer.policy.max_attempts == 2


def test_api_openai_com_needs_a_key() -> None:
    with pytest.raises(ValidationError, match="OPENAI_API_KEY"):
        Settings.from_env(None, CONTENT_PROVIDER="openai", OPENAI_API_KEY=None)
