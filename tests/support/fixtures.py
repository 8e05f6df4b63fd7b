"""Client-side fixtures: accounts with tokens, uploads, waiting for jobs."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from tests.support.processes import ApiServer

JOB_DEADLINE_S = 120.0
FINAL = {"succeeded", "failed", "cancelled", "dead"}


@dataclass
class Account:
    client: httpx.Client
    email: str
    password: str
    user_id: str
    token: str

    def upload(self, content: bytes, filename: str, kind: str | None = None) -> httpx.Response:
        data = {"kind": kind} if kind else {}
        return self.client.post("/api/v1/assets", files={"file": (filename, content)}, data=data)

    def wait_job(self, job_id: str, *, until: set[str] | None = None,
                 deadline_s: float = JOB_DEADLINE_S) -> dict[str, Any]:
        """Poll the job row until it reaches one of `until` (final states by default)."""
        wanted = until or FINAL
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            job: dict[str, Any] = self.client.get(f"/api/v1/tasks/{job_id}").json()
            if job["state"] in wanted:
                return job
            time.sleep(0.05)  # polling interval of a bounded wait on the system of record
        raise AssertionError(f"job {job_id} not in {wanted} after {deadline_s}s: {job}")


@pytest.fixture
def make_account(api_server: ApiServer) -> Iterator[Callable[..., Account]]:
    clients: list[httpx.Client] = []

    def make(plan: str = "pro") -> Account:
        client = httpx.Client(base_url=api_server.base_url, timeout=30.0)
        clients.append(client)
        email = f"user-{uuid.uuid4().hex[:12]}@example.com"
        password = "correct horse battery"
        created = client.post("/api/v1/auth/register", json={"email": email,
                                                             "password": password})
        assert created.status_code == 201, created.text
        if plan != "free":  # tests submit more than the free plan's 5 videos an hour
            set_plan(created.json()["id"], plan)
        token = client.post("/api/v1/auth/token",
                            data={"username": email, "password": password}).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        return Account(client, email, password, created.json()["id"], token["access_token"])

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def account(make_account: Callable[[], Account]) -> Account:
    return make_account()


def _update_user(user_id: str, **values: str | bool) -> None:
    from sqlalchemy import create_engine, update

    from app.core.config import settings
    from app.models import User

    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.id == user_id).values(**values))
    engine.dispose()


def promote_to_admin(user_id: str) -> None:
    """Give an account the admin role directly in the database."""
    _update_user(user_id, role="admin")


def set_plan(user_id: str, plan: str) -> None:
    """Move an account to another plan (accounts register on the free plan)."""
    _update_user(user_id, plan=plan)


def set_active(user_id: str, active: bool) -> None:
    """Deactivate (or reactivate) an account directly in the database."""
    _update_user(user_id, is_active=active)


@pytest.fixture
def admin_account(make_account: Callable[[], Account]) -> Account:
    account = make_account()
    promote_to_admin(account.user_id)
    return account


@contextmanager
def clients_on(server: ApiServer) -> Iterator[Callable[[Account], httpx.Client]]:
    """Clients of `server` (an API other than the session's) signed in as given accounts,
    all closed at the end."""
    clients: list[httpx.Client] = []

    def make(account: Account) -> httpx.Client:
        client = httpx.Client(base_url=server.base_url, timeout=30.0,
                              headers={"Authorization": f"Bearer {account.token}"})
        clients.append(client)
        return client

    try:
        yield make
    finally:
        for client in clients:
            client.close()


@contextmanager
def registered(server: ApiServer, prefix: str = "user") -> Iterator[Account]:
    """A fresh free-plan account on `server` (an API other than the session's)."""
    with httpx.Client(base_url=server.base_url, timeout=30.0) as client:
        email, password = f"{prefix}-{uuid.uuid4().hex[:12]}@example.com", "correct horse battery"
        created = client.post("/api/v1/auth/register",
                              json={"email": email, "password": password})
        assert created.status_code == 201, created.text
        token = client.post("/api/v1/auth/token",
                            data={"username": email, "password": password}).json()
        client.headers["Authorization"] = f"Bearer {token['access_token']}"
        yield Account(client, email, password, created.json()["id"], token["access_token"])
