"""An API key's last use: none until it authenticates a request, then that request's time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from tests.support.fixtures import Account
from tests.support.processes import ApiServer


def test_a_key_shows_when_it_was_last_used(account: Account, api_server: ApiServer) -> None:
    created = account.client.post("/api/v1/auth/api-keys", json={"name": "nightly"}).json()
    (listed,) = account.client.get("/api/v1/auth/api-keys").json()
    assert listed["id"] == created["id"] and listed["last_used_at"] is None
    before = datetime.now(UTC).replace(microsecond=0)
    me = httpx.get(f"{api_server.base_url}/api/v1/auth/me",
                   headers={"X-API-Key": created["key"]})
    assert me.status_code == 200
    (listed,) = account.client.get("/api/v1/auth/api-keys").json()
    used = datetime.fromisoformat(listed["last_used_at"])
    assert before <= used <= datetime.now(UTC) + timedelta(seconds=1)
