"""The WebSocket: resume by last event id, per-user isolation, authentication."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import ClientConnection, connect

from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.processes import ApiServer, CeleryWorker


@contextlib.contextmanager
def _open(api_server: ApiServer, account: Account, last_id: str | None = None
          ) -> Iterator[ClientConnection]:
    query = f"?last_event_id={last_id}" if last_id else ""
    with connect(api_server.ws_url + query, open_timeout=10,
                 additional_headers={"Authorization": f"Bearer {account.token}"}) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        yield ws


def _until_final(ws: ClientConnection, job_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    while not events or events[-1]["type"] not in {"job.succeeded", "job.failed"}:
        event = json.loads(ws.recv(timeout=60))
        if event.get("job_id") == job_id:
            events.append(event)
    return events


def test_reconnect_with_last_event_id_misses_nothing(
        make_account: Callable[[], Account], api_server: ApiServer,
        worker: CeleryWorker) -> None:
    account, bystander = make_account(), make_account()
    images = upload_images(account, 2)
    with _open(api_server, account) as reference, _open(api_server, bystander) as other:
        with _open(api_server, account) as first:
            job = submit(account, images, seconds_per_image=2.0, priority=8)
            seen = [json.loads(first.recv(timeout=30)) for _ in range(2)]
        # disconnected while the job runs on; everything after seen[-1] must come back
        everything = _until_final(reference, job["id"])
        with _open(api_server, account, last_id=seen[-1]["id"]) as resumed:
            rest = _until_final(resumed, job["id"])
        assert [e["id"] for e in seen + rest] == [e["id"] for e in everything]
        assert len({e["id"] for e in everything}) == len(everything)

        with pytest.raises(TimeoutError):  # the other user's socket carried none of it
            while True:
                event = json.loads(other.recv(timeout=1.0))
                assert event.get("job_id") != job["id"], event


def test_websocket_refuses_missing_or_bad_tokens(api_server: ApiServer) -> None:
    for headers in ({}, {"Authorization": "Bearer garbage"}):
        with pytest.raises(InvalidStatus) as refused, \
                connect(api_server.ws_url, open_timeout=10, additional_headers=headers):
            pass
        assert refused.value.response.status_code == 403


def test_malformed_last_event_id_is_refused(account: Account, api_server: ApiServer) -> None:
    with pytest.raises(InvalidStatus), \
            connect(f"{api_server.ws_url}?last_event_id=x-y", open_timeout=10,
                    additional_headers={"Authorization": f"Bearer {account.token}"}):
        pass
