"""The sign-in card and the slideshow screen pass axe-core at desktop and phone size."""

from __future__ import annotations

import pytest

from tests.support.fixtures import Account
from tests.support.processes import ApiServer
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import Dashboard, open_as

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")


def test_sign_in_and_slideshow_screens(page: sync_api.Page, api_server: ApiServer,
                                       account: Account) -> None:
    Dashboard(page, api_server.base_url).open()
    check_a11y(page)
    screenshots(page, "sign-in")
    open_as(page, api_server.base_url, account, "studio")
    check_a11y(page)
    screenshots(page, "studio")
