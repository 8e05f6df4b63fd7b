"""The base of every settings group: read from the environment and `.env` by field name."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Group(BaseSettings):
    """One concern's settings. Field names are the variables operators set (`S3_BUCKET`),
    so docs, deploy files and code say the same name; each group reads only its own."""

    # `extra="ignore"`: the one `.env` holds every group's variables.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
