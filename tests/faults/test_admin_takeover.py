"""`ensure_admin` (make run, `reelforge create-admin`) never promotes an account someone
registered with the admin email: that account's API keys and sessions would become an
admin's. It refuses, and the account stays as it was."""

from __future__ import annotations

import httpx

from app.core.config import settings
from app.dev.admin import AdminOutcome, ensure_admin
from tests.support.fixtures import Account
from tests.support.processes import ApiServer


def test_a_self_registered_account_is_not_promoted(account: Account,
                                                   api_server: ApiServer) -> None:
    key = account.client.post("/api/v1/auth/api-keys", json={"name": "mine"}).json()["key"]
    for reset in (False, True):
        outcome = ensure_admin(settings.database.sync_url, email=account.email.upper(),
                               password="the operator's secret", reset_password=reset)
        assert outcome is AdminOutcome.REFUSED
    me = httpx.get(f"{api_server.base_url}/api/v1/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json()["role"] == "user"
    admin_only = httpx.get(f"{api_server.base_url}/api/v1/admin/dead-letters",
                           headers={"X-API-Key": key})
    assert admin_only.status_code == 403
    # the operator's password does not open the account either
    login = httpx.post(f"{api_server.base_url}/api/v1/auth/token", data={
        "username": account.email, "password": "the operator's secret"})
    assert login.status_code == 401


def test_an_existing_admin_is_still_kept_up_to_date(account: Account) -> None:
    url = settings.database.sync_url
    email = account.email.replace("user-", "admin-")
    assert ensure_admin(url, email=email, password="first password") is AdminOutcome.CREATED
    assert ensure_admin(url, email=email, password="first password") is AdminOutcome.UNCHANGED
    assert ensure_admin(url, email=email, password="other password") is AdminOutcome.KEPT
    assert ensure_admin(url, email=email, password="other password",
                        reset_password=True) is AdminOutcome.UPDATED
