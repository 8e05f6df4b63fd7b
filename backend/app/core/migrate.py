"""Apply Alembic migrations programmatically (the CLI, `make run` and the tests use this).

The migrations live inside the package (`app/migrations`), so an installed wheel can
migrate without the source tree; `backend/alembic.ini` points at the same folder for
people who run the `alembic` command.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def alembic_config(sync_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if sync_url:
        config.attributes["url"] = sync_url
    return config


def upgrade_head(sync_url: str | None = None) -> None:
    """Bring the database to the newest schema."""
    command.upgrade(alembic_config(sync_url), "head")


def downgrade_base(sync_url: str | None = None) -> None:
    """Drop every table the migrations created."""
    command.downgrade(alembic_config(sync_url), "base")
