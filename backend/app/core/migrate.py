"""Apply Alembic migrations programmatically (the CLI, `make run` and the tests use this).

The migrations live inside the package (`app/migrations`), so an installed wheel can
migrate without the source tree. Run from the source tree (a checkout, or the images),
Alembic reads the repository's root `alembic.ini`, as the `alembic` command does; a wheel
has no such file and gets the same script location from here.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from app.core.source_tree import root_file

SCRIPT_LOCATION = "app:migrations"  # as in the root alembic.ini


def alembic_config(sync_url: str | None = None) -> Config:
    """The root alembic.ini when there is one, else the same script location in code."""
    ini = root_file("alembic.ini")
    if ini is not None:
        config = Config(str(ini))
    else:
        config = Config()
        config.set_main_option("script_location", SCRIPT_LOCATION)
    if sync_url:
        config.attributes["url"] = sync_url
    return config


def upgrade_head(sync_url: str | None = None) -> None:
    """Bring the database to the newest schema."""
    command.upgrade(alembic_config(sync_url), "head")


def downgrade_base(sync_url: str | None = None) -> None:
    """Drop every table the migrations created."""
    command.downgrade(alembic_config(sync_url), "base")
