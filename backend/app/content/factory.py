"""The script writer chosen by the settings (CONTENT_PROVIDER), built by its registry entry."""

from __future__ import annotations

from app.content.base import ScriptWriter
from app.content.providers import WRITERS
from app.core.config import Settings, settings


def get_writer(config: Settings = settings) -> ScriptWriter:
    """The writer CONTENT_PROVIDER names (app/content/providers.py): `template` by default."""
    return WRITERS[config.content.CONTENT_PROVIDER].build(config)
