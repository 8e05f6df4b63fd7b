"""A real Chromium for the dashboard benchmarks: launched headless, pages signed in.

`chromium()` returns the browser's path or stops the benchmark with one line saying how to
get what is missing (Playwright, Chromium), never a traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from _tools import ToolMissing

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox"]
VIEWPORT = {"width": 1366, "height": 900}


def chromium() -> str:
    """The Chromium to launch (Playwright's own browsers are not downloaded here)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        raise ToolMissing("Playwright is missing: pip install -e '.[dev]' "
                          "(or make setup)") from None
    found = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    if not found:
        raise ToolMissing("Chromium is missing: apt-get install -y chromium (or make setup)")
    return found


def sign_in(page: Page, base_url: str, token: str) -> None:
    """Put the token where the sign-in form would, so the next page load is signed in."""
    page.goto(base_url + "/static/icon.svg")  # same origin: the page's sessionStorage
    page.evaluate("t => sessionStorage.setItem('reelforge.token', JSON.stringify("
                  "{token: t, email: 'bench', expiresAt: Date.now() + 3600e3}))", token)
