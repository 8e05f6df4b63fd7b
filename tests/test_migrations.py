"""Alembic: the migrations build the schema on an empty database and tear it down again."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from app.core.config import settings
from app.core.migrate import downgrade_base, upgrade_head
from app.dev.services import ensure_database, with_database

DATABASE = "reelforge_migrations"


def test_upgrade_then_downgrade_on_an_empty_database() -> None:
    ensure_database(settings.sync_database_url, DATABASE, fresh=True)
    url = with_database(settings.sync_database_url, DATABASE)
    upgrade_head(url)
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "api_keys", "assets", "jobs", "alembic_version"} <= tables
    engine.dispose()
    downgrade_base(url)
    engine = create_engine(url)
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    engine.dispose()
    upgrade_head(url)
