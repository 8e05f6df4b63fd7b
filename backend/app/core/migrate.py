"""Apply Alembic migrations programmatically (the CLI, `make run` and the tests use this)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from alembic import command

ALEMBIC_INI = Path(__file__).resolve().parents[2] / "alembic.ini"


def alembic_config(sync_url: str | None = None) -> Config:
    config = Config(str(ALEMBIC_INI))
    if sync_url:
        config.attributes["url"] = sync_url
    return config


def upgrade_head(sync_url: str | None = None) -> None:
    """Bring the database to the newest schema."""
    command.upgrade(alembic_config(sync_url), "head")


def downgrade_base(sync_url: str | None = None) -> None:
    """Drop every table the migrations created."""
    command.downgrade(alembic_config(sync_url), "base")
