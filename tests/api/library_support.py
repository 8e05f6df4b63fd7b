"""Shared pieces of the library tests: a content worker, admin additions, waiting for tags."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.support.fixtures import Account

TAG_DEADLINE_S = 120.0
CC0 = {"licence": "CC0-1.0", "source": "test generator", "attribution": "made in a test"}


def add_shared(admin: Account, path: Path, *, title: str, tags: str = "",
               **licence: str) -> dict[str, Any]:
    """POST /admin/library with the file at `path`; the created item."""
    fields = {**CC0, **licence, "title": title, "tags": tags}
    answer = admin.client.post("/api/v1/admin/library", data=fields,
                               files={"file": (path.name, path.read_bytes())})
    assert answer.status_code == 201, answer.text
    item: dict[str, Any] = answer.json()
    return item


def wait_tagged(account: Account, asset_id: str,
                deadline_s: float = TAG_DEADLINE_S) -> dict[str, Any]:
    """Poll the item until the tagger has finished with it (done or failed)."""
    end = time.monotonic() + deadline_s
    item: dict[str, Any] = {}
    while time.monotonic() < end:
        item = account.client.get(f"/api/v1/library/{asset_id}").json()
        if item["tag_state"] != "pending":
            return item
        time.sleep(0.1)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"item {asset_id} still untagged after {deadline_s}s: {item}")


def search(account: Account, **params: Any) -> list[str]:
    """The ids of every matching item (all pages)."""
    ids: list[str] = []
    cursor = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        answer = account.client.get("/api/v1/library", params=query)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids
