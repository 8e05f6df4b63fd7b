"""`python -m app.cli` is the `reelforge` command."""

from app.cli import main

raise SystemExit(main())
