"""`reelforge create-admin`: create an admin account, or reset its password."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    """Add the `create-admin` subcommand."""
    parser = subparsers.add_parser(
        "create-admin", help="create an admin account or reset its password",
        description="Create the account with role admin; when it exists as an admin, make "
        "it active and set its password. An existing account that is not an admin is "
        "refused, never promoted. The database must be migrated (`reelforge migrate`).")
    parser.add_argument("--email", default=os.environ.get("REELFORGE_ADMIN_EMAIL",
                                                          "admin@reelforge.local"),
                        help="account email (default: $REELFORGE_ADMIN_EMAIL or "
                        "admin@reelforge.local)")
    parser.add_argument("--password", help="new password (default: $REELFORGE_ADMIN_PASSWORD, "
                        "else asked on the terminal); note that arguments show in `ps`")
    parser.add_argument("--data-dir", type=Path, help="where the embedded PostgreSQL lives")
    parser.set_defaults(handler=handle)


def _password(args: argparse.Namespace) -> str | None:
    given: str | None = args.password or os.environ.get("REELFORGE_ADMIN_PASSWORD")
    if given or not sys.stdin.isatty():
        return given
    first = getpass.getpass("password: ")
    return first if first == getpass.getpass("again: ") else None


def handle(args: argparse.Namespace) -> int:
    """Create or update the admin account."""
    from app.core.config import settings
    from app.core.logging import configure_logging
    from app.dev.admin import AdminOutcome, ensure_admin
    from app.dev.services import command_database, configured, sync_url

    password = _password(args)
    if not password or len(password) < 8:
        print("a password of at least 8 characters is required (--password)", file=sys.stderr)
        return 2
    configure_logging()
    with command_database(args.data_dir or settings.app.DATA_DIR,
                          configured("DATABASE_URL")) as url:
        outcome = ensure_admin(sync_url(url), email=args.email, password=password,
                               reset_password=True)
    if outcome is AdminOutcome.REFUSED:
        print(f"{args.email.lower()} belongs to an account that is not an admin; it is not "
              "promoted (its API keys and sessions would become an admin's). Use another "
              "email, or remove that account first.", file=sys.stderr)
        return 1
    print(f"admin {args.email.lower()}: {outcome}")
    return 0
