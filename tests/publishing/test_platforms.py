"""The registry is the one list of platforms: the API's enum, the adapters' names, their
credential settings and PKCE flags agree with it."""

from __future__ import annotations

from typing import get_args

from app.core.config import ENV_GROUPS, Settings
from app.publishing.platforms import PLATFORMS, PlatformName, build
from app.schemas.social import PlatformRead


def test_every_entry_builds_its_own_adapter_and_names_real_settings() -> None:
    assert list(PLATFORMS) == list(get_args(PlatformName))
    assert PlatformRead.model_json_schema()["properties"]["name"]["enum"] == list(PLATFORMS)
    config = Settings.from_env(env_file=None)
    for name, entry in PLATFORMS.items():
        adapter = build(name, config)
        assert adapter.name == name == entry.name
        assert adapter.supports_pkce == entry.pkce
        assert all(setting in ENV_GROUPS for setting in entry.credential_settings)
        assert entry.ready(config) is False  # no credentials, not available
        ready = Settings.from_env(env_file=None, **dict.fromkeys(entry.credential_settings,
                                                                 "set"))
        assert entry.ready(ready) is True
