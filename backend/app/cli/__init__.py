"""The `reelforge` command: one module per subcommand, each listed in COMMANDS."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence
from typing import TypeAlias

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# To add a subcommand, write app/cli/<module>.py with `register(subparsers)` that adds its
# parser and sets `handler` (a function of the parsed args returning an exit status).
COMMANDS = ("run", "migrate", "create_admin", "render", "library")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="reelforge",
        description="Reelforge: turn photos, scripts and topics into short videos.",
        epilog="Run `reelforge COMMAND --help` for the options of one command.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        importlib.import_module(f"{__name__}.{module}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reelforge` console script."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130  # the shell convention for "stopped by SIGINT"; no traceback
