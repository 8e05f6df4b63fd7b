"""The repository root, when `app` runs from its source tree: the folder that holds
backend/, celeryconfig.py and alembic.ini (a checkout, or /app in the images). An installed
wheel has no such folder."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]
ROOT: Path | None = _PACKAGE.parents[1] if _PACKAGE.parent.name == "backend" else None


def root_file(name: str) -> Path | None:
    """The file `name` at the repository root, or None without a source tree or that file."""
    if ROOT is None or not (ROOT / name).is_file():
        return None
    return ROOT / name
