"""`reelforge migrate`: bring the database schema to the newest revision."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    """Add the `migrate` subcommand."""
    parser = subparsers.add_parser(
        "migrate", help="apply database migrations (upgrade to head)",
        description="Apply every Alembic migration to DATABASE_URL, or to the embedded "
        "PostgreSQL under DATA_DIR when DATABASE_URL is not set.")
    parser.add_argument("--data-dir", type=Path, help="where the embedded PostgreSQL lives")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Upgrade the configured (or embedded) database to head."""
    from app.core.config import settings
    from app.core.logging import configure_logging
    from app.core.migrate import upgrade_head
    from app.dev.services import command_database, configured, sync_url

    configure_logging()
    with command_database(args.data_dir or settings.DATA_DIR,
                          configured("DATABASE_URL")) as url:
        upgrade_head(sync_url(url))
    print("database is at the newest revision")
    return 0
