"""Alembic: the migrations build the schema on an empty database and tear it down again;
the root alembic.ini runs the ones shipped in the package."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

import app
from app.core import migrate
from app.core.config import settings
from app.core.migrate import downgrade_base, upgrade_head
from app.dev.services import ensure_database, with_database

DATABASE = "reelforge_migrations"


def test_upgrade_then_downgrade_on_an_empty_database() -> None:
    ensure_database(settings.database.sync_url, DATABASE, fresh=True)
    url = with_database(settings.database.sync_url, DATABASE)
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


def test_the_root_alembic_ini_runs_the_migrations_shipped_in_the_package(
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = Path(__file__).resolve().parents[1]
    config = migrate.alembic_config()
    assert config.config_file_name == str(root / "alembic.ini")
    shipped = Path(app.__file__).parent / "migrations"
    assert Path(ScriptDirectory.from_config(config).dir) == shipped
    # an installed wheel has no alembic.ini: the same folder and head from the code
    monkeypatch.setattr(migrate, "root_file", lambda name: None)
    fallback = migrate.alembic_config()
    assert fallback.config_file_name is None
    assert Path(ScriptDirectory.from_config(fallback).dir) == shipped
    assert ScriptDirectory.from_config(fallback).get_current_head() == \
        ScriptDirectory.from_config(config).get_current_head()
