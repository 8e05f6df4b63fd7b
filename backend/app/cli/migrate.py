"""`reelforge migrate`: bring the database schema to the newest revision and, with S3
storage configured (S3_ENDPOINT_URL or STORAGE_BACKEND set), make sure the bucket exists."""

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
    parser.add_argument("--no-bucket", dest="bucket", action="store_false",
                        help="do not create the S3 bucket when it is missing")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Upgrade the configured (or embedded) database to head."""
    from app.core.config import settings
    from app.core.logging import configure_logging
    from app.core.migrate import upgrade_head
    from app.dev.services import command_database, configured, sync_url, wants_embedded_s3
    from app.storage import get_storage

    configure_logging()
    with command_database(args.data_dir or settings.app.DATA_DIR,
                          configured("DATABASE_URL")) as url:
        upgrade_head(sync_url(url))
    print("database is at the newest revision")
    if args.bucket and settings.storage.STORAGE_BACKEND == "s3" and not wants_embedded_s3():
        from app.storage.s3 import S3Storage

        store = get_storage()
        assert isinstance(store, S3Storage)
        store.ensure_bucket()  # head first: works with credentials that cannot create one
        print(f"bucket {settings.storage.S3_BUCKET} is ready")
    return 0
