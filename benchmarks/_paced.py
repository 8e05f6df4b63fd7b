"""An open-loop HTTP load: a fixed request rate over keep-alive connections, latency
measured from each request's scheduled send time (so a slow answer that delays the next
send counts against the server: no coordinated omission).

A closed loop (wrk, N connections each sending as soon as its answer arrives) measures
the saturated rate, and there Little's law fixes the mean latency at N / rate: 50
connections at 400 submits/s wait 125 ms on average whatever the server does. A paced
load asks the other question: at a given offered rate, how long does one submit take?
Raw asyncio streams with the request bytes prepared once cost ~0.05 ms of client CPU per
request, so the load generator leaves the cores to the server.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from urllib.parse import urlsplit

# Stands for a fresh Idempotency-Key in a prepared request; paced_load puts a new one
# (the same length) in each send.
KEY_MARK = b"K" * 32


def prepared_post(*, host: str, path: str, token: str, body: str, keyed: bool = False) -> bytes:
    data = body.encode()
    key = f"Idempotency-Key: {KEY_MARK.decode()}\r\n" if keyed else ""
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
            f"{key}Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n")
    return head.encode() + data


async def _answer(reader: asyncio.StreamReader) -> str:
    """Read one response; returns its status code (the body is read and dropped)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ", 2)[1]
    length = next((int(line.split(":", 1)[1]) for line in lines[1:]
                   if line.lower().startswith("content-length:")), 0)
    await reader.readexactly(length)
    return status


async def paced_load(*, base_url: str, requests: list[bytes], rate: float, seconds: float,
                     ) -> tuple[list[float], Counter[str]]:
    """One connection per prepared request, together sending `rate` requests a second for
    `seconds`; returns the latencies (ms) of 202 answers and the count of each status."""
    url = urlsplit(base_url)
    loop = asyncio.get_running_loop()
    interval = len(requests) / rate  # between two sends on one connection
    latencies: list[float] = []
    statuses: Counter[str] = Counter()
    begin = loop.time() + 0.2
    end = begin + seconds

    async def one(index: int, request: bytes) -> None:
        reader, writer = await asyncio.open_connection(url.hostname, url.port)
        keyed = KEY_MARK in request
        due = begin + index * interval / len(requests)  # connections evenly staggered
        try:
            while due < end:
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)  # pacing to the schedule, not a wait on state
                writer.write(request.replace(KEY_MARK, uuid.uuid4().hex.encode())
                             if keyed else request)
                status = await _answer(reader)
                statuses[status] += 1
                if status == "202":
                    latencies.append((loop.time() - due) * 1000)
                due += interval
        finally:
            writer.close()

    await asyncio.gather(*(one(i, r) for i, r in enumerate(requests)))
    return latencies, statuses
