"""Webhook fixtures: a social-queue worker and an API server that may call loopback
receivers (the defaults refuse them), local receivers and a canary listener."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.fixtures import Account
from tests.support.processes import ApiServer, CeleryWorker
from tests.webhooks.receiver import Canary, Receiver

# Loopback receivers need both switches; short waits keep retry tests quick.
LOCAL_DELIVERY_ENV = {"WEBHOOK_ALLOW_HTTP": "true", "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true"}
WORKER_ENV = {**LOCAL_DELIVERY_ENV, "WEBHOOK_BACKOFF_BASE_S": "0.4", "WEBHOOK_BACKOFF_CAP_S": "3",
              "WEBHOOK_MAX_ATTEMPTS": "4", "WEBHOOK_TIMEOUT_S": "5"}
FINAL_DELIVERY = {"succeeded", "failed"}


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set variables for a subprocess started inside the block, then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@pytest.fixture(scope="session")
def social_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """A worker on the social queue that may deliver to loopback receivers."""
    with environment(WORKER_ENV):
        proc = CeleryWorker.start(name="social", queues="social", concurrency=2,
                                  log_dir=tmp_root / "logs")
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def local_api(tmp_root: Path) -> Iterator[ApiServer]:
    """An API server whose URL checks let loopback http receivers through."""
    server = ApiServer.start(log_dir=tmp_root / "logs", env=LOCAL_DELIVERY_ENV)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def local_client(account: Account, local_api: ApiServer) -> Iterator[httpx.Client]:
    """The account's credentials on the permissive API server."""
    with httpx.Client(base_url=local_api.base_url, timeout=30.0,
                      headers={"Authorization": f"Bearer {account.token}"}) as client:
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def canary() -> Iterator[Canary]:
    listener = Canary()
    try:
        yield listener
    finally:
        listener.stop()


def wait_deliveries(client: httpx.Client, job_id: str, *, count: int = 1,
                    deadline_s: float = 60.0) -> list[dict[str, Any]]:
    """Poll the job's deliveries until `count` exist and all are final."""
    end = time.monotonic() + deadline_s
    rows: list[dict[str, Any]] = []
    while time.monotonic() < end:
        answer = client.get(f"/api/v1/tasks/{job_id}/deliveries")
        assert answer.status_code == 200, answer.text
        rows = answer.json()
        if len(rows) >= count and all(r["status"] in FINAL_DELIVERY for r in rows):
            return rows
        time.sleep(0.05)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"deliveries of {job_id} not final after {deadline_s}s: {rows}")
