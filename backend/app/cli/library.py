"""`reelforge library seed` and `reelforge library retag`: the generated shared library and
a catch-up for assets whose tagging message was lost."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.cli import Subparsers

DB_HELP = ("Uses DATABASE_URL and the S3_* settings of the platform (`make run` passes its "
           "own).")


def register(subparsers: Subparsers) -> None:
    """Add the `library` subcommand and its `seed` and `retag` actions."""
    parser = subparsers.add_parser(
        "library", help="the shared asset library: seed it, tag what is pending",
        description="The shared asset library. " + DB_HELP)
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    seed = actions.add_parser(
        "seed", help="add the generated music beds and clips (CC0) that are missing",
        description="Generate a small shared library with the bundled ffmpeg (music beds of "
        "different tempos and moods, gradient and particle clips in portrait and landscape), "
        "licensed CC0-1.0, tag it, and store it. Items already present are skipped, so a "
        "second run adds nothing. Needs no network. " + DB_HELP)
    seed.add_argument("--quiet", action="store_true", help="no progress bar, one summary line")
    seed.set_defaults(handler=handle_seed)
    retag = actions.add_parser(
        "retag", help="tag, in this process, every asset whose tagging is still pending",
        description="Tag every asset still pending (its tagging message was lost) here and "
        "now, with the same measurements as the content workers. " + DB_HELP)
    retag.add_argument("asset_ids", nargs="*", metavar="ASSET_ID",
                       help="only these assets (default: every pending one)")
    retag.set_defaults(handler=handle_retag)


def handle_seed(args: argparse.Namespace) -> int:
    """Seed with a tqdm bar of the catalogue's items."""
    from tqdm import tqdm

    from app.core.logging import configure_logging
    from app.services.library.seed import CATALOGUE, seed_library

    configure_logging()
    bar = tqdm(total=len(CATALOGUE), unit="item", disable=args.quiet)

    def step(slug: str, outcome: str) -> None:
        bar.set_postfix_str(f"{slug}: {outcome}", refresh=False)
        bar.update(1)

    added = seed_library(step)
    bar.close()
    print(f"library seed: {len(added)} added, {len(CATALOGUE) - len(added)} already present")
    return 0


def handle_retag(args: argparse.Namespace) -> int:
    """Tag every pending asset (or the ones named), one line each."""
    import uuid

    from app.core.logging import configure_logging
    from app.services.library.seed import retag_pending

    configure_logging()
    try:
        only = [uuid.UUID(a) for a in args.asset_ids]
    except ValueError:
        print("reelforge: ASSET_ID must be UUIDs", file=sys.stderr)
        return 2
    count = retag_pending(lambda asset_id, outcome: print(f"{asset_id}: {outcome}"),
                          only=only or None)
    print(f"library retag: {count} pending asset(s) handled")
    return 0
