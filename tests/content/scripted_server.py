"""A scripted local HTTP server: each request gets the next queued reply and is recorded."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One HTTP answer: a status, a body (bytes, text or JSON-able) and headers."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, bytes):
            return self.body, "application/octet-stream"
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return json.dumps(self.body).encode(), "application/json"


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


# A responder sees the request and returns the reply, or None to take the next queued one.
Responder = Callable[[Seen], Reply | None]


@dataclass
class ScriptedServer:
    """Answers from a queue; `responder` may answer first (protocol rules of a fake server),
    `fallback` answers when the queue is empty (the service's normal behaviour)."""

    replies: deque[Reply] = field(default_factory=deque)
    requests: list[Seen] = field(default_factory=list)
    responder: Responder | None = None
    fallback: Callable[[Seen], Reply] | None = None
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def reset(self) -> None:
        """Forget queued replies and seen requests (a server shared by several tests)."""
        self.replies.clear()
        self.requests.clear()

    def _answer(self, seen: Seen) -> Reply:
        self.requests.append(seen)
        if self.responder is not None:
            reply = self.responder(seen)
            if reply is not None:
                return reply
        if not self.replies:
            if self.fallback is not None:
                return self.fallback(seen)
            return Reply(599, {"error": {"message": "the test queued no reply for this"}})
        return self.replies.popleft()

    def start(self) -> ScriptedServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers.items()),
                            self.rfile.read(length))
                reply = owner._answer(seen)
                body, content_type = reply.encoded()
                self.send_response(reply.status)
                headers = {"Content-Type": content_type, **reply.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@contextmanager
def scripted_server(
    responder: Responder | None = None, fallback: Callable[[Seen], Reply] | None = None
) -> Iterator[ScriptedServer]:
    """A started server on a free 127.0.0.1 port, stopped on exit."""
    server = ScriptedServer(responder=responder, fallback=fallback).start()
    try:
        yield server
    finally:
        server.stop()
