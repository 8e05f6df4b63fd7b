"""A live connection lasts no longer than the credential that opened it: it is closed
when its token expires or is revoked, or its user is deactivated; and a user holds at
most WS_MAX_CONNECTIONS_PER_USER of them, the next one closed with a clear code."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.core.config import settings
from app.core.security import create_access_token
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import ApiServer

CLOSE_UNAUTHORIZED = 4401
CLOSE_TOO_MANY = 4429


@contextlib.contextmanager
def _socket(api_server: ApiServer, token: str) -> Iterator[ClientConnection]:
    with connect(api_server.ws_url, open_timeout=10,
                 additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        yield ws


def _closed_with(ws: ClientConnection, timeout_s: float = 30.0) -> tuple[int, str]:
    """Read until the server closes; pings are skipped. `timeout_s` bounds a failure."""
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            ws.recv(timeout=timeout_s)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


def _login(api_server: ApiServer, account: Account) -> str:
    return str(httpx.post(f"{api_server.base_url}/api/v1/auth/token", data={
        "username": account.email, "password": account.password}).json()["access_token"])


def test_the_socket_closes_when_its_token_expires(account: Account,
                                                  api_server: ApiServer) -> None:
    short = create_access_token(uuid.UUID(account.user_id), "user", ttl_s=2)
    with _socket(api_server, short) as ws:
        # waiting on the clock itself: the token's expiry is the subject
        assert _closed_with(ws) == (CLOSE_UNAUTHORIZED, "token expired")


def test_logout_closes_that_tokens_sockets_only(account: Account,
                                                api_server: ApiServer) -> None:
    other = _login(api_server, account)
    ticket = account.client.post("/api/v1/ws/ticket").json()["ticket"]
    with connect(f"{api_server.ws_url}?ticket={ticket}", open_timeout=10) as by_ticket, \
            _socket(api_server, account.token) as by_header, \
            _socket(api_server, other) as kept:
        assert json.loads(by_ticket.recv(timeout=10))["type"] == "ready"
        out = account.client.post("/api/v1/auth/logout")
        assert out.status_code == 204
        assert _closed_with(by_ticket) == (CLOSE_UNAUTHORIZED, "revoked")
        assert _closed_with(by_header) == (CLOSE_UNAUTHORIZED, "revoked")
        kept.ping().wait(10)  # still open, and answering


def test_deactivation_closes_sockets_and_event_streams(
        make_account: Callable[[], Account], admin_account: Account,
        api_server: ApiServer) -> None:
    user = make_account()
    job = submit(user, upload_images(user, 1), seconds_per_image=0.5)  # no worker: it waits
    key = user.client.post("/api/v1/auth/api-keys", json={"name": "ws"}).json()["key"]
    with _socket(api_server, user.token) as ws, \
            connect(api_server.ws_url, open_timeout=10,
                    additional_headers={"X-API-Key": key}) as by_key, \
            user.client.stream("GET", f"/api/v1/tasks/{job['id']}/events",
                               timeout=httpx.Timeout(60.0)) as sse:
        assert json.loads(by_key.recv(timeout=10))["type"] == "ready"
        lines = sse.iter_lines()
        assert next(lines) == "event: snapshot"
        deactivated = admin_account.client.post(
            f"/api/v1/admin/users/{user.user_id}/deactivate")
        assert deactivated.status_code == 204
        assert _closed_with(ws) == (CLOSE_UNAUTHORIZED, "revoked")
        assert _closed_with(by_key) == (CLOSE_UNAUTHORIZED, "revoked")
        # the stream ends (the job is still waiting): reading it to its end returns
        assert not any(line.startswith("event: job.succeeded") for line in lines)


def test_connections_per_user_are_capped(account: Account, api_server: ApiServer) -> None:
    cap = settings.realtime.WS_MAX_CONNECTIONS_PER_USER
    with contextlib.ExitStack() as stack:
        for _ in range(cap):
            stack.enter_context(_socket(api_server, account.token))
        with connect(api_server.ws_url, open_timeout=10,
                     additional_headers={"Authorization": f"Bearer {account.token}"}) as extra:
            assert _closed_with(extra) == (CLOSE_TOO_MANY, "too many connections")
