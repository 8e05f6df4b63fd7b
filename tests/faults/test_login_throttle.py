"""Password guessing is throttled before it costs a hash: per client address, per account
(a lockout that grows with the failures) and on registration, each a 429 with Retry-After.

The server here runs with small limits so that no test depends on the clock; the shipped
limits are measured in docs/faults.md. Each test speaks from its own client address (the
API trusts X-Forwarded-For from the local proxy, as uvicorn does by default).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.processes import ApiServer

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def strict_api(tmp_root: Path) -> Iterator[ApiServer]:
    server = ApiServer.start(log_dir=tmp_root / "logs" / "throttle", env={
        "LOGIN_IP_LIMITS": "6/hour", "REGISTER_IP_LIMITS": "2/hour",
        "LOGIN_ACCOUNT_LIMITS": "50/hour", "LOGIN_LOCKOUT_LIMITS": "3/hour;6/day"})
    try:
        yield server
    finally:
        server.stop()


def _address() -> dict[str, str]:
    return {"X-Forwarded-For": f"198.51.{random.randrange(256)}.{random.randrange(1, 255)}"}


def _login(api: ApiServer, email: str, password: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{api.base_url}/api/v1/auth/token", headers=headers,
                      data={"username": email, "password": password}, timeout=30)


def _register(api: ApiServer, headers: dict[str, str]) -> tuple[httpx.Response, str]:
    email = f"t-{uuid.uuid4().hex[:12]}@example.com"
    return httpx.post(f"{api.base_url}/api/v1/auth/register", headers=headers, timeout=30,
                      json={"email": email, "password": PASSWORD}), email


def _is_throttled(answer: httpx.Response) -> bool:
    if answer.status_code != 429:
        return False
    assert int(answer.headers["retry-after"]) >= 1
    assert answer.json()["error"]["code"] == "too_many_attempts"
    return True


def test_one_address_gets_a_few_guesses_then_429(strict_api: ApiServer) -> None:
    me, other = _address(), _address()
    guesses = [_login(strict_api, f"nobody-{i}@example.com", "wrong password", me)
               for i in range(8)]
    assert [g.status_code for g in guesses[:6]] == [401] * 6
    assert all(_is_throttled(g) for g in guesses[6:])
    assert _login(strict_api, "nobody@example.com", "wrong password", other).status_code == 401


def test_registration_is_throttled_per_address(strict_api: ApiServer) -> None:
    me = _address()
    assert [_register(strict_api, me)[0].status_code for _ in range(2)] == [201, 201]
    assert _is_throttled(_register(strict_api, me)[0])
    assert _register(strict_api, _address())[0].status_code == 201


def test_an_account_locks_after_failures_from_any_address(strict_api: ApiServer) -> None:
    created, email = _register(strict_api, _address())
    assert created.status_code == 201
    # a success in between starts the count afresh
    for _ in range(2):
        assert _login(strict_api, email, "wrong password", _address()).status_code == 401
    assert _login(strict_api, email, PASSWORD, _address()).status_code == 200
    for _ in range(3):  # each guess from another address: only the account's count grows
        assert _login(strict_api, email, "wrong password", _address()).status_code == 401
    # locked: even the right password is refused without being checked
    assert _is_throttled(_login(strict_api, email, PASSWORD, _address()))
    # another account is not affected
    created, bystander = _register(strict_api, _address())
    assert _login(strict_api, bystander, PASSWORD, _address()).status_code == 200


def test_password_hashes_take_a_few_slots_and_a_short_queue(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A burst beyond the slots and the queue is told to come back, not stacked in memory."""
    from app.core.config import settings
    from app.core.errors import AppError
    from app.core.security import hash_password
    from app.services import users

    monkeypatch.setattr(settings.auth, "PASSWORD_HASH_CONCURRENCY", 1)
    monkeypatch.setattr(settings.auth, "PASSWORD_HASH_QUEUE_MAX", 1)
    monkeypatch.setattr(users, "_hash_slots", None)

    async def burst() -> list[object]:
        # the first takes the slot, the second waits for it, the other two are refused
        return await asyncio.gather(*(users.gated_hash(hash_password, PASSWORD)
                                      for _ in range(4)), return_exceptions=True)

    done = asyncio.run(burst())
    assert [isinstance(d, str) for d in done] == [True, True, False, False]
    for refused in done[2:]:
        assert isinstance(refused, AppError) and refused.status == 503
        assert refused.headers == {"Retry-After": "1"}


def test_guessing_the_current_password_counts_towards_the_lockout(
        strict_api: ApiServer) -> None:
    """A stolen token must not allow unlimited guesses through POST /auth/password."""
    created, email = _register(strict_api, _address())
    token = _login(strict_api, email, PASSWORD, _address()).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def change(current: str) -> httpx.Response:
        return httpx.post(f"{strict_api.base_url}/api/v1/auth/password", headers=headers,
                          json={"current_password": current, "new_password": "x" * 12},
                          timeout=30)

    assert [change(f"guess {n}").status_code for n in range(3)] == [422] * 3
    assert _is_throttled(change(PASSWORD))  # locked, like a login
    assert _is_throttled(_login(strict_api, email, PASSWORD, _address()))
