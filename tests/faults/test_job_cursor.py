"""A `list_jobs` cursor the API did not issue is a 422 naming the field, never a 500."""

from __future__ import annotations

import base64
import uuid

import pytest

from tests.support.fixtures import Account


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


@pytest.mark.parametrize("cursor", [
    _cursor(f"2026-01-01T00:00:00|{uuid.uuid4()}"),  # no time zone
    _cursor(f"2026-01-01T00:00:00+00:00|{uuid.uuid4()}x"),
    _cursor(f"99999-01-01T00:00:00+00:00|{uuid.uuid4()}"),
    _cursor(f"0001-01-01T00:00:00+01:00|{uuid.uuid4()}"),  # before year 1 in UTC
    _cursor("only-a-date"),
    "%%%not-base64",
    base64.urlsafe_b64encode(b"\xff\xfe|x").decode(),
    f"12345678901234567-{uuid.uuid4().hex}",  # past the 16 digits of the pattern
    f"1796380800000000-{uuid.uuid4().hex[:31]}",
    f"1796380800000000-{uuid.uuid4().hex.upper()}",
])
def test_malformed_cursor_is_422(account: Account, cursor: str) -> None:
    answer = account.client.get("/api/v1/tasks", params={"cursor": cursor})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == "cursor"


def test_issued_cursor_still_pages(account: Account) -> None:
    answer = account.client.get("/api/v1/tasks", params={"limit": 1})
    assert answer.status_code == 200, answer.text
