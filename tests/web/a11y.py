"""Checks every screen's test runs once the screen is populated: axe-core finds no serious
or critical violation, nothing overflows a phone's width, and screenshots at desktop and
phone size land in out/screenshots/ (the README shows two of them)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".var" / "web" / "axe.min.js"  # fetched by `make setup` (scripts/axe-core.py)
SHOTS = Path(os.environ.get("REELFORGE_SCREENSHOTS", ROOT / "out" / "screenshots"))
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
BLOCKING = {"serious", "critical"}


def _axe_results(page: Page) -> dict[str, Any]:
    if not AXE.exists():
        pytest.skip("axe-core is not installed (python scripts/axe-core.py)")
    # Evaluated through the browser's debugging protocol, so the page's strict CSP (no inline
    # scripts) stays as it is for the page itself.
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(AXE.read_text())
    results: dict[str, Any] = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})")
    return results


def check_a11y(page: Page) -> None:
    """Fail on any serious or critical axe-core violation, at desktop and at phone size."""
    size = page.viewport_size or DESKTOP
    found = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        for violation in _axe_results(page)["violations"]:
            if violation["impact"] in BLOCKING:
                targets = [n["target"] for n in violation["nodes"]][:5]
                found.append(f"{viewport['width']}px {violation['id']} ({violation['impact']}):"
                             f" {violation['help']} {targets}")
        if viewport is PHONE:
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"the page is {overflow}px wider than a phone's screen"
    page.set_viewport_size(size)
    assert not found, "\n".join(found)


def screenshots(page: Page, name: str) -> list[Path]:
    """Full-page PNGs of the screen at desktop and phone size."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or DESKTOP
    written = []
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        page.evaluate("window.scrollTo(0, 0)")  # the sticky bar belongs at the top of a shot
        path = SHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
    page.set_viewport_size(size)
    return written
