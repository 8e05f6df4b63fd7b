"""Accounts, tokens and API keys against the running API."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.fixtures import Account
from tests.support.media import tone_wav
from tests.support.processes import ApiServer, free_port


def test_register_login_and_me(account: Account) -> None:
    me = account.client.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.json()["email"] == account.email
    assert me.json()["role"] == "user"


def test_duplicate_email_is_409_naming_the_field(account: Account, api_server: ApiServer) -> None:
    again = httpx.post(f"{api_server.base_url}/api/v1/auth/register",
                       json={"email": account.email.upper(), "password": "another password"})
    assert again.status_code == 409
    assert again.json()["error"]["field"] == "email"


def test_wrong_password_is_401(account: Account, api_server: ApiServer) -> None:
    bad = httpx.post(f"{api_server.base_url}/api/v1/auth/token",
                     data={"username": account.email, "password": "not the password"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "invalid_credentials"


def test_short_password_names_the_field(api_server: ApiServer) -> None:
    bad = httpx.post(f"{api_server.base_url}/api/v1/auth/register",
                     json={"email": "short@example.com", "password": "x"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "password"


def test_requests_without_or_with_bad_token_are_401(api_server: ApiServer) -> None:
    assert httpx.get(f"{api_server.base_url}/api/v1/tasks").status_code == 401
    bad = httpx.get(f"{api_server.base_url}/api/v1/tasks",
                    headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401


def test_api_key_authenticates_and_can_be_revoked(account: Account,
                                                  api_server: ApiServer) -> None:
    created = account.client.post("/api/v1/auth/api-keys", json={"name": "ci"})
    assert created.status_code == 201
    key = created.json()["key"]
    me = httpx.get(f"{api_server.base_url}/api/v1/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200 and me.json()["email"] == account.email
    as_bearer = httpx.get(f"{api_server.base_url}/api/v1/auth/me",
                          headers={"Authorization": f"Bearer {key}"})
    assert as_bearer.status_code == 200
    revoked = account.client.delete(f"/api/v1/auth/api-keys/{created.json()['id']}")
    assert revoked.status_code == 204
    after = httpx.get(f"{api_server.base_url}/api/v1/auth/me", headers={"X-API-Key": key})
    assert after.status_code == 401


def test_health_reports_every_dependency(api_server: ApiServer) -> None:
    health = httpx.get(f"{api_server.base_url}/health")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "postgres": "ok", "redis": "ok", "storage": "ok"}


def test_health_degrades_without_the_store(tmp_root: Path, account: Account) -> None:
    """A store that does not answer: reported, the API stays ready for status reads, and
    an upload is a clear 503 to retry, not a 500."""
    server = ApiServer.start(log_dir=tmp_root / "logs" / "no-store",
                             env={"S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}",
                                  "S3_CONNECT_TIMEOUT_S": "0.5", "S3_MAX_ATTEMPTS": "1"})
    try:
        health = httpx.get(f"{server.base_url}/health")
        upload = httpx.post(f"{server.base_url}/api/v1/assets",
                            headers={"Authorization": f"Bearer {account.token}"},
                            files={"file": ("t.wav", tone_wav(1.0))}, timeout=30)
        listed = httpx.get(f"{server.base_url}/api/v1/assets",
                           headers={"Authorization": f"Bearer {account.token}"})
    finally:
        server.stop()
    assert upload.status_code == 503 and upload.headers["retry-after"] == "5"
    assert upload.json()["error"]["code"] == "storage_unavailable"
    assert listed.status_code == 200 and listed.json() == []
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "degraded" and body["postgres"] == body["redis"] == "ok"
    assert body["storage"].startswith("error: ")
