"""A client that stops reading is cut off without holding up the others; what it got is a
gapless prefix, and resuming from its last id brings the rest."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import uuid
from urllib.parse import urlsplit

import psutil
import pytest
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from app.core.config import settings
from app.realtime.bus import publish_sync
from app.realtime.events import job_event
from app.realtime.hub import SUBSCRIBER_QUEUE_MAX
from tests.support.fixtures import Account
from tests.support.processes import ApiServer

# ~1 KiB events, well beyond what a stalled socket buffers (a loopback send buffer grows
# to 4 MiB, the transport holds 64 KiB) plus the parked frames
EVENTS = SUBSCRIBER_QUEUE_MAX + 8_000
PADDING = "x" * 1000
DROP_DEADLINE_S = 60.0  # parked frames overflow, then CLOSE_WAIT_S (5 s) for the close frame


def _stalled(url: str, token: str) -> ClientConnection:
    """A client whose socket takes little and whose reader stops after a few frames."""
    parts = urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((parts.hostname, parts.port))
    # no keepalive pings: only the server may end this connection
    return connect(url, sock=sock, max_queue=4, open_timeout=10, ping_interval=None,
                   additional_headers={"Authorization": f"Bearer {token}"})


def _progress(ws: ClientConnection, marker: str, into: list[int], last: list[str],
              wanted: int) -> None:
    while len(into) < wanted:
        event = json.loads(ws.recv(timeout=30))
        if event.get("job_id") == marker:
            into.append(event["progress"])
            last[:] = [event["id"]]


def test_a_stalled_client_is_cut_off_while_others_keep_up(
        account: Account, api_server: ApiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # the user's stream (which the publisher trims) must keep the whole run for the resume
    monkeypatch.setattr(settings.realtime, "EVENT_STREAM_MAXLEN", 2 * EVENTS)
    marker = str(uuid.uuid4())
    url = api_server.ws_url
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    with _stalled(url, account.token) as slow, connect(
            url, open_timeout=10,
            additional_headers={"Authorization": f"Bearer {account.token}"}) as fast:
        assert json.loads(fast.recv(timeout=10))["type"] == "ready"
        def publish() -> None:
            for n in range(EVENTS):
                publish_sync(client, account.user_id,
                             job_event("job.progress", marker, progress=n, note=PADDING))

        publisher = threading.Thread(target=publish)
        publisher.start()  # while this client reads, as a browser would
        fast_got: list[int] = []
        _progress(fast, marker, fast_got, [], EVENTS)
        publisher.join()
        assert fast_got == list(range(EVENTS))

        slow_got: list[int] = []
        last: list[str] = []
        with pytest.raises(ConnectionClosed):
            _progress(slow, marker, slow_got, last, EVENTS)
    assert 0 < len(slow_got) < EVENTS - SUBSCRIBER_QUEUE_MAX
    assert slow_got == list(range(len(slow_got)))

    with connect(f"{url}?last_event_id={last[0]}", open_timeout=10,
                 additional_headers={"Authorization": f"Bearer {account.token}"}) as resumed:
        assert json.loads(resumed.recv(timeout=10))["type"] == "ready"
        rest: list[int] = []
        _progress(resumed, marker, rest, [], EVENTS - len(slow_got))
    client.close()
    assert slow_got + rest == list(range(EVENTS))


def _server_side_open(server: ApiServer, client_port: int) -> bool:
    """Whether the API process still holds its end of the client's TCP connection."""
    return any(c.raddr and c.raddr.port == client_port
               for c in psutil.Process(server.proc.pid).net_connections(kind="tcp"))


def test_a_client_that_never_reads_is_dropped_not_kept(
        account: Account, api_server: ApiServer) -> None:
    # The close frame cannot reach a peer whose window is shut; a plain close would wait for
    # the send buffer to drain, which TCP never gives up on. The server resets it instead.
    url = api_server.ws_url
    client = redis.Redis.from_url(settings.broker.REDIS_URL)
    with contextlib.suppress(OSError, ConnectionClosed), _stalled(url, account.token) as slow:
        port = slow.socket.getsockname()[1]
        assert _server_side_open(api_server, port)
        marker = str(uuid.uuid4())
        for n in range(EVENTS):
            publish_sync(client, account.user_id,
                         job_event("job.progress", marker, progress=n, note=PADDING))
        end = time.monotonic() + DROP_DEADLINE_S
        while _server_side_open(api_server, port) and time.monotonic() < end:
            time.sleep(0.1)  # polling interval of a bounded wait for the reset
        dropped = not _server_side_open(api_server, port)
    client.close()
    assert dropped
