"""Credentials stay out of logs and URLs, and a token can be taken back: logout, a password
change and a deactivation each end the tokens they concern, at once."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from tests.support.fixtures import Account
from tests.support.processes import ApiServer


def _ticket(account: Account) -> str:
    answer = account.client.post("/api/v1/ws/ticket")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert 0 < body["expires_in"] <= 60
    return str(body["ticket"])


def _login(api_server: ApiServer, account: Account, password: str | None = None) -> str:
    answer = httpx.post(f"{api_server.base_url}/api/v1/auth/token",
                        data={"username": account.email,
                              "password": password or account.password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _me(api_server: ApiServer, token: str) -> int:
    return httpx.get(f"{api_server.base_url}/api/v1/auth/me",
                     headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_query_string_never_reaches_the_log(account: Account,
                                              api_server: ApiServer) -> None:
    """uvicorn logs each WebSocket handshake with its path on its error logger, at INFO."""
    secret = "leak" + account.token[-24:]
    for query in (f"?token={secret}", f"?ticket={_ticket(account)}&x={secret}"):
        try:
            with connect(api_server.ws_url + query, open_timeout=10) as ws:
                ws.recv(timeout=10)
        except InvalidStatus:
            pass
    # the log line of the accepted handshake is written before its first frame is sent
    log = api_server.log.read_text()
    assert "WebSocket /api/v1/ws" in log
    assert secret not in log and "ticket=" not in log and account.token not in log


def test_the_websocket_takes_a_one_time_ticket_not_a_token(account: Account,
                                                           api_server: ApiServer) -> None:
    ticket = _ticket(account)
    with connect(f"{api_server.ws_url}?ticket={ticket}", open_timeout=10) as ws:
        ready = json.loads(ws.recv(timeout=10))
        assert ready == {"type": "ready", "user_id": account.user_id}
    for query in (f"?ticket={ticket}", f"?token={account.token}"):  # used; a URL token
        with pytest.raises(InvalidStatus) as refused, \
                connect(api_server.ws_url + query, open_timeout=10):
            pass
        assert refused.value.response.status_code == 403
    # programs that can set headers keep using them
    with connect(api_server.ws_url, open_timeout=10,
                 additional_headers={"Authorization": f"Bearer {account.token}"}) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"


def test_logout_ends_that_token_only(account: Account, api_server: ApiServer) -> None:
    other = _login(api_server, account)
    out = httpx.post(f"{api_server.base_url}/api/v1/auth/logout",
                     headers={"Authorization": f"Bearer {account.token}"})
    assert out.status_code == 204
    assert _me(api_server, account.token) == 401
    submit = httpx.post(f"{api_server.base_url}/api/v1/tasks/submit/video", json={},
                        headers={"Authorization": f"Bearer {account.token}"})
    assert submit.status_code == 401  # the submit path too, which reads no user row
    assert _me(api_server, other) == 200


def test_a_password_change_ends_every_token(account: Account, api_server: ApiServer) -> None:
    other = _login(api_server, account)
    wrong = account.client.post("/api/v1/auth/password", json={
        "current_password": "not it at all", "new_password": "a brand new secret"})
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "current_password"
    changed = account.client.post("/api/v1/auth/password", json={
        "current_password": account.password, "new_password": "a brand new secret"})
    assert changed.status_code == 200, changed.text
    fresh = changed.json()["access_token"]
    assert _me(api_server, account.token) == 401 and _me(api_server, other) == 401
    assert _me(api_server, fresh) == 200
    assert _me(api_server, _login(api_server, account, "a brand new secret")) == 200


def test_deactivation_ends_every_token(make_account: Callable[[], Account],
                                       admin_account: Account, api_server: ApiServer) -> None:
    user = make_account()
    path = f"/api/v1/admin/users/{user.user_id}/deactivate"
    assert user.client.post(path).status_code == 403
    own = f"/api/v1/admin/users/{admin_account.user_id}/deactivate"
    assert admin_account.client.post(own).status_code == 409
    assert admin_account.client.post(path).status_code == 204
    assert _me(api_server, user.token) == 401
    again = httpx.post(f"{api_server.base_url}/api/v1/auth/token",
                       data={"username": user.email, "password": user.password})
    assert again.status_code == 401
