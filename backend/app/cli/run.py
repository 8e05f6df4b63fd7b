"""`reelforge run`: the whole platform on this machine, until Ctrl-C."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.cli import Subparsers


def register(subparsers: Subparsers) -> None:
    """Add the `run` subcommand."""
    parser = subparsers.add_parser(
        "run", help="run API, workers, beat and Flower until Ctrl-C",
        description="Apply migrations, make sure an admin account exists, seed the shared "
        "library (once), then run the API, "
        "one Celery worker per queue group, celery beat and Flower. PostgreSQL and Redis come "
        "from DATABASE_URL and REDIS_URL when set, otherwise embedded servers are started "
        "under DATA_DIR (default .var). Ctrl-C or SIGTERM stops every process it started.",
        epilog="Environment: PORT, DATA_DIR, DATABASE_URL, REDIS_URL, REELFORGE_ADMIN_EMAIL, "
        "REELFORGE_ADMIN_PASSWORD (default: generated, kept in DATA_DIR/admin-password), "
        "FLOWER_USER, FLOWER_PASSWORD (default: generated, kept in DATA_DIR/flower-password), "
        "REELFORGE_GPU_WORKER=1 (also start the gpu worker).")
    parser.add_argument("--port", type=int, help="API port (default: $PORT or 8000)")
    parser.add_argument("--no-beat", action="store_true", help="do not start celery beat")
    parser.add_argument("--no-flower", action="store_true", help="do not start Flower")
    parser.add_argument("--no-seed", action="store_true",
                        help="do not add the generated shared library (`reelforge library seed`)")
    parser.add_argument("--flower-port", type=int, help="Flower port (default: 5555)")
    parser.add_argument("--gpu-worker", action="store_true", default=None,
                        help="also start the worker for the gpu queue")
    parser.add_argument("--data-dir", type=Path, help="where embedded servers and secrets live")
    parser.add_argument("--api-app", metavar="MODULE:ATTR",
                        help="ASGI application to serve (default: app.main:app)")
    parser.add_argument("--stop-timeout", type=float, dest="stop_timeout_s", metavar="SECONDS",
                        help="grace period between SIGTERM and SIGKILL (default: 10)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the launcher with the options given."""
    from app.dev.launcher import options_from_env, run_platform

    options = options_from_env(
        port=args.port, beat=False if args.no_beat else None,
        flower=False if args.no_flower else None, flower_port=args.flower_port,
        gpu_worker=args.gpu_worker, data_dir=args.data_dir, api_app=args.api_app,
        stop_timeout_s=args.stop_timeout_s, seed_library=False if args.no_seed else None)
    return run_platform(options)
