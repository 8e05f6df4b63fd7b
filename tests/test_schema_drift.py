"""The models and the migrations describe the same schema: a database built by the
migrations (up, down, up) shows no difference from the models' metadata."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import app.models
from app.core.config import settings
from app.core.migrate import downgrade_base, upgrade_head
from app.dev.services import ensure_database, with_database

DATABASE = "reelforge_schema_drift"


def test_a_migrated_database_matches_the_models() -> None:
    ensure_database(settings.database.sync_url, DATABASE, fresh=True)
    url = with_database(settings.database.sync_url, DATABASE)
    upgrade_head(url)
    downgrade_base(url)
    upgrade_head(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={
                "compare_type": True, "compare_server_default": True})
            assert compare_metadata(context, app.models.Base.metadata) == []
            schema = inspect(connection)
            assert {"social_accounts", "oauth_states"} <= set(schema.get_table_names())
            assert {c["name"] for c in schema.get_unique_constraints("social_accounts")} == \
                {"uq_social_accounts_user_platform_external"}
            assert [c["name"] for c in schema.get_check_constraints("social_accounts")] == \
                ["ck_social_accounts_status"]
    finally:
        engine.dispose()
