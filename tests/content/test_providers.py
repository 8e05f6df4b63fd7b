"""The script writer registry (app/content/providers.py) is the one list the settings and
the factory read."""

from __future__ import annotations

from typing import get_args

from app.content import get_writer
from app.content.providers import WRITERS, ContentProvider
from app.core.config import Settings
from app.core.config.content import ContentSettings


def test_the_registry_and_the_settings_list_the_same_writers_in_order() -> None:
    assert tuple(WRITERS) == get_args(ContentProvider) == ("template", "openai")
    assert ContentSettings.model_fields["CONTENT_PROVIDER"].annotation == ContentProvider
    assert all(e.name == name for name, e in WRITERS.items())


def test_the_factory_builds_the_entry_the_settings_name() -> None:
    for name in WRITERS:
        config = Settings.from_env(None, CONTENT_PROVIDER=name,
                                   OPENAI_BASE_URL="http://127.0.0.1:8880/v1")
        assert type(get_writer(config)) is type(WRITERS[name].build(config))
