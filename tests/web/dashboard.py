"""The dashboard as a test drives it: by the labels and roles a person would use."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

JOB_DEADLINE_MS = 120_000


@dataclass
class Dashboard:
    page: Page
    base_url: str

    def open(self) -> None:
        from playwright.sync_api import expect

        self.page.goto(self.base_url + "/")
        expect(self.page.get_by_role("heading", name="Sign in")).to_be_visible()

    def fill_credentials(self, email: str, password: str) -> None:
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(password)

    def register(self, email: str, password: str) -> None:
        self.page.get_by_role("button", name="Create an account").click()
        self.fill_credentials(email, password)
        self.page.get_by_role("button", name="Create account").click()
        self.expect_signed_in(email)

    def sign_in(self, email: str, password: str) -> None:
        self.fill_credentials(email, password)
        self.page.get_by_role("button", name="Sign in").click()

    def expect_signed_in(self, email: str) -> None:
        from playwright.sync_api import expect

        expect(self.page.locator("#account-email")).to_have_text(email)
        expect(self.page.locator("#live-status")).to_have_attribute("data-state", "live")

    def upload(self, *paths: Path) -> None:
        self.page.locator("#upload-input").set_input_files([str(p) for p in paths])

    def tile(self, filename: str) -> Locator:
        return self.page.locator("#image-list .tile", has_text=filename)

    def field_error(self, field: str) -> Locator:
        return self.page.locator(f'#compose-form [data-error-for="{field}"]')

    def submit(self) -> dict[str, Any]:
        """Press "Render video" and return the job the API accepted."""
        with self.page.expect_response("**/api/v1/tasks/submit/video") as answer:
            self.page.get_by_role("button", name="Render video").click()
        assert answer.value.status == 202, answer.value.text()
        job: dict[str, Any] = answer.value.json()
        return job

    def job(self, job_id: str) -> Locator:
        return self.page.locator(f'#job-list .job[data-job-id="{job_id}"]')

    def token(self) -> str:
        saved: str = self.page.evaluate("sessionStorage.getItem('reelforge.token')")
        return str(self.page.evaluate("s => JSON.parse(s).token", saved))


def open_as(page: Page, base_url: str, account: Any, screen: str, query: str = "") -> None:
    """Open `#/screen` already signed in as `account` (a tests.support Account): the token
    goes where the sign-in form would put it, so a test starts on the screen it is about."""
    from playwright.sync_api import expect

    page.goto(base_url + "/static/icon.svg")  # same origin, so sessionStorage is the page's
    page.evaluate(
        "([token, email]) => sessionStorage.setItem('reelforge.token', JSON.stringify("
        "{token, email, expiresAt: Date.now() + 3600 * 1000}))",
        [account.token, account.email])
    page.goto(f"{base_url}/#/{screen}{'?' + query if query else ''}")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(page.locator(f'#nav a[data-view="{screen}"]')).to_have_attribute(
        "aria-current", "page")
