"""app.core.http.send against a real local server: Retry-After honoured in both forms, 408,
429 and 5xx retried, other 4xx not, tries and waits bounded, timeouts retried."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from app.core.http import HttpFailure, HttpRetry, make_client, send
from tests.content.scripted_server import Reply, ScriptedServer, scripted_server
from tests.webhooks.receiver import Answer, Receiver


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as started:
        yield started


def call(url: str, naps: list[float], policy: HttpRetry | None = None,
         timeout_s: float = 5.0) -> httpx.Response:
    with make_client(url, headers={"X-Caller": "test"}, timeout_s=timeout_s) as client:
        return send(client, "POST", "/v1/do", policy=policy or HttpRetry(), sleep=naps.append,
                    json={"n": 1})


def test_success_is_returned_at_once(server: ScriptedServer) -> None:
    server.queue(Reply(200, {"ok": True}))
    naps: list[float] = []
    assert call(f"{server.url}/", naps).json() == {"ok": True}
    (seen,) = server.requests
    assert seen.path == "/v1/do" and seen.headers["X-Caller"] == "test"
    assert seen.json() == {"n": 1} and naps == []


def test_retry_after_seconds_is_slept_then_retried(server: ScriptedServer) -> None:
    server.queue(Reply(429, "slow down", {"Retry-After": "3"}), Reply(200, {}))
    naps: list[float] = []
    call(server.url, naps)
    assert naps == [3.0] and len(server.requests) == 2


def test_retry_after_date_is_slept_then_retried(server: ScriptedServer) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=10), usegmt=True)
    server.queue(Reply(503, "maintenance", {"Retry-After": when}), Reply(200, {}))
    naps: list[float] = []
    call(server.url, naps)
    assert len(naps) == 1 and 8.0 <= naps[0] <= 10.0 and len(server.requests) == 2


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_busy_or_failing_answers_are_retried_with_equal_jitter(server: ScriptedServer,
                                                               status: int) -> None:
    server.queue(Reply(status, "busy"), Reply(status, "busy"), Reply(200, {}))
    naps: list[float] = []
    call(server.url, naps, HttpRetry(base_delay_s=0.4))
    assert len(server.requests) == 3
    assert 0.2 <= naps[0] <= 0.4 and 0.4 <= naps[1] <= 0.8  # half the step at least


@pytest.mark.parametrize(("status", "kind"), [(400, "rejected"), (401, "auth"), (403, "auth"),
                                              (404, "not_found"), (422, "rejected")])
def test_other_4xx_fail_at_once(server: ScriptedServer, status: int, kind: str) -> None:
    server.queue(Reply(status, {"error": "no"}))
    naps: list[float] = []
    with pytest.raises(HttpFailure) as info:
        call(server.url, naps)
    failure = info.value
    assert failure.status == status and not failure.retryable and failure.kind == kind
    assert '"error"' in failure.body and f"answered {status}" in str(failure)
    assert len(server.requests) == 1 and naps == []


def test_tries_run_out_with_the_last_failure(server: ScriptedServer) -> None:
    server.queue(*[Reply(500, "boom")] * 3)
    naps: list[float] = []
    with pytest.raises(HttpFailure) as info:
        call(server.url, naps, HttpRetry(max_attempts=3))
    assert info.value.kind == "unavailable" and info.value.retryable
    assert len(server.requests) == 3 and len(naps) == 2


def test_a_wait_longer_than_allowed_goes_back_to_the_caller(server: ScriptedServer) -> None:
    server.queue(Reply(429, "quota", {"Retry-After": "120"}))
    naps: list[float] = []
    with pytest.raises(HttpFailure) as info:
        call(server.url, naps, HttpRetry(max_wait_s=30))
    assert info.value.kind == "rate_limited" and info.value.retry_after_s == 120.0
    assert len(server.requests) == 1 and naps == []


def test_a_slow_answer_times_out_and_is_retried() -> None:
    slow = Receiver(script=[Answer(delay_s=1.5)], default=Answer(body=b"{}"))
    try:
        naps: list[float] = []
        call(slow.url, naps, HttpRetry(max_attempts=2), timeout_s=0.3)
        assert len(slow.requests) == 2 and len(naps) == 1
    finally:
        slow.stop()


def test_nobody_listening_is_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    naps: list[float] = []
    with pytest.raises(HttpFailure) as info:
        call(f"http://127.0.0.1:{port}", naps, HttpRetry(max_attempts=2))
    assert info.value.status is None and info.value.kind == "unreachable"
    assert "ConnectError" in str(info.value) and len(naps) == 1
