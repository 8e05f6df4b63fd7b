"""Workflow fixtures: workers for the content and social queues (the session `worker`
fixture takes `video`), an API that may call loopback publish hooks, and helpers."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection

from tests.support.fixtures import Account
from tests.support.processes import ApiServer, CeleryWorker

# Loopback publish hooks need both switches (the defaults refuse them).
LOCAL_HOOKS = {"WEBHOOK_ALLOW_HTTP": "true", "WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true"}
WORKFLOW_DEADLINE_S = 240.0
FINAL = {"succeeded", "failed", "cancelled"}


def start_hook_worker(name: str, queues: str, log_dir: Path) -> CeleryWorker:
    """A one-slot worker on `queues` that may call loopback publish hooks."""
    saved = {k: os.environ.get(k) for k in LOCAL_HOOKS}
    os.environ.update(LOCAL_HOOKS)  # inherited by the worker process only
    try:
        return CeleryWorker.start(name=name, queues=queues, concurrency=1, log_dir=log_dir)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(scope="session")
def content_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """Script writing and speech."""
    proc = start_hook_worker("content", "content", tmp_root / "logs")
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def social_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """Platform optimisation and publish hooks (loopback hooks allowed)."""
    proc = start_hook_worker("social", "social", tmp_root / "logs")
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(scope="session")
def hook_api(tmp_root: Path) -> Iterator[ApiServer]:
    """An API whose URL checks let loopback http publish hooks through."""
    server = ApiServer.start(log_dir=tmp_root / "logs", env=LOCAL_HOOKS)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def workers(worker: CeleryWorker, content_worker: CeleryWorker,
            social_worker: CeleryWorker) -> dict[str, CeleryWorker]:
    return {"video": worker, "content": content_worker, "social": social_worker}


@pytest.fixture
def client(account: Account, hook_api: ApiServer) -> Iterator[httpx.Client]:
    """The account's credentials on the hook-permissive API server."""
    with httpx.Client(base_url=hook_api.base_url, timeout=60.0,
                      headers={"Authorization": f"Bearer {account.token}"}) as http:
        yield http


def wait_workflow(client: httpx.Client, workflow_id: str, *, until: set[str] | None = None,
                  deadline_s: float = WORKFLOW_DEADLINE_S) -> dict[str, Any]:
    """Poll the workflow until its state is in `until` (final states by default)."""
    wanted = until or FINAL
    end = time.monotonic() + deadline_s
    body: dict[str, Any] = {}
    while time.monotonic() < end:
        body = client.get(f"/api/v1/workflows/{workflow_id}").json()
        if body["state"] in wanted:
            return body
        time.sleep(0.1)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"workflow {workflow_id} not in {wanted} after {deadline_s}s: {body}")


def wait_step(client: httpx.Client, workflow_id: str, step: str, states: set[str],
              deadline_s: float = WORKFLOW_DEADLINE_S) -> dict[str, Any]:
    """Poll until step `step` of the workflow is in one of `states`."""
    end = time.monotonic() + deadline_s
    found: dict[str, Any] = {}
    while time.monotonic() < end:
        body = client.get(f"/api/v1/workflows/{workflow_id}").json()
        found = next(s for s in body["steps"] if s["step"] == step)
        if found["state"] in states:
            return found
        time.sleep(0.1)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"step {step} not in {states} after {deadline_s}s: {found}")


def workflow_events(ws: ClientConnection, workflow_id: str,
                    deadline_s: float = WORKFLOW_DEADLINE_S) -> list[dict[str, Any]]:
    """`workflow.*` events of one workflow until its last stage (done, failed, cancelled)."""
    events: list[dict[str, Any]] = []
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        event = json.loads(ws.recv(timeout=end - time.monotonic()))
        if event.get("workflow_id") != workflow_id:
            continue
        events.append(event)
        if event["type"] == "workflow.stage" and event["stage"] in {"done", "failed",
                                                                   "cancelled"}:
            return events
    raise AssertionError(f"workflow {workflow_id} did not end in time: {events[-3:]}")
