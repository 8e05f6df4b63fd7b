"""A burst larger than the firehose keeps: a client may be told to reconnect, but across
reconnects (resuming by last event id) it receives every event, in order, once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from app.core.config import settings
from app.realtime.bus import publish_sync
from app.realtime.events import job_event
from tests.support.fixtures import Account
from tests.support.processes import ApiServer

EVENTS = 3000


@pytest.fixture
def tiny_firehose_api(tmp_root: Path) -> Iterator[ApiServer]:
    server = ApiServer.start(log_dir=tmp_root / "logs", env={"FIREHOSE_MAXLEN": "100"})
    try:
        yield server
    finally:
        server.stop()


def test_burst_reaches_the_client_across_reconnects(account: Account,
                                                    tiny_firehose_api: ApiServer) -> None:
    marker = str(uuid.uuid4())
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    received: list[int] = []
    last_id: str | None = None
    reconnects = 0
    published = False
    while len(received) < EVENTS and reconnects < 50:
        query = f"?last_event_id={last_id}" if last_id else ""
        with connect(tiny_firehose_api.ws_url + query, open_timeout=10,
                     additional_headers={"Authorization": f"Bearer {account.token}"}) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "ready"
            if not published:
                for n in range(EVENTS):
                    publish_sync(client, account.user_id,
                                 job_event("job.progress", marker, progress=n))
                published = True
            try:
                while len(received) < EVENTS:
                    event = json.loads(ws.recv(timeout=30))
                    if event.get("job_id") == marker:
                        received.append(event["progress"])
                        last_id = event["id"]
            except ConnectionClosed as closed:
                assert closed.rcvd is not None and closed.rcvd.code == 4000
                reconnects += 1
    client.close()
    assert received == list(range(EVENTS))
