"""The base of the local platform servers: routes by method and path, streamed request
bodies, injected faults (a status, or a connection cut part-way through a body) and an
OAuth 2.0 authority (codes bound to client, redirect URI and PKCE challenge; access
tokens that can expire; refresh tokens that can be revoked)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import socket
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

READ_BYTES = 64 * 1024


@dataclass
class Fault:
    """What to do to the next matching request: answer `status`, or read `cut_after`
    bytes of its body and drop the connection without an answer."""

    status: int | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    cut_after: int | None = None


@dataclass
class Answer:
    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Call:
    """One request: its method, path, query, headers; the body is read on demand."""

    def __init__(self, handler: BaseHTTPRequestHandler, fault: Fault | None) -> None:
        parts = urlsplit(handler.path)
        self.method, self.path = handler.command, parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.headers = {k.lower(): v for k, v in handler.headers.items()}
        self.length = int(self.headers.get("content-length") or 0)
        self.remaining = self.length
        self.fault = fault
        self.cut = False
        self._handler = handler
        self._body: bytes | None = None

    def stream(self) -> Any:
        """The body in pieces; stops early (and marks `cut`) where a cut fault says."""
        limit = self.fault.cut_after if self.fault and self.fault.cut_after is not None \
            else None
        read = 0
        while self.remaining > 0:
            want = min(READ_BYTES, self.remaining)
            if limit is not None:
                want = min(want, limit - read)
                if want <= 0:
                    self.cut = True
                    return
            piece = self._handler.rfile.read(want)
            if not piece:
                return
            read += len(piece)
            self.remaining -= len(piece)
            yield piece

    def body(self) -> bytes:
        if self._body is None:
            self._body = b"".join(self.stream())
        return self._body

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body().decode()).items()}

    def json(self) -> Any:
        return json.loads(self.body() or b"{}")

    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:] if value.startswith("Bearer ") else None


Route = Callable[[Call], Answer]


class FakeServer:
    """A threaded HTTP/1.1 server with routes, faults and a log of every call."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Route]] = []
        self.faults: dict[tuple[str, str], deque[Fault]] = {}
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                owner._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, method: str, pattern: str, handler: Route) -> None:
        self.routes.append((method, re.compile(f"^{pattern}$"), handler))

    def fail_next(self, method: str, pattern: str, *faults: Fault) -> None:
        """Apply `faults`, one per request, to the next requests matching the route."""
        self.faults.setdefault((method, pattern), deque()).extend(faults)

    def seen(self, method: str, pattern: str) -> list[Call]:
        rx = re.compile(f"^{pattern}$")
        return [c for c in self.calls if c.method == method and rx.match(c.path)]

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        for method, rx, route in self.routes:
            if method == handler.command and rx.match(path):
                with self.lock:
                    fault = next((queue.popleft() for (m, pattern), queue
                                  in self.faults.items()
                                  if m == method and queue and re.match(f"^{pattern}$", path)),
                                 None)
                call = Call(handler, fault)
                self.calls.append(call)
                if fault is not None and fault.status is not None:
                    call.body()
                    answer = Answer(fault.status, fault.body, fault.headers)
                else:
                    answer = route(call)
                if call.cut:  # drop the connection mid-body, as a broken network does
                    handler.connection.shutdown(socket.SHUT_RDWR)
                    handler.close_connection = True
                    return
                for _ in call.stream():  # what the route left unread, for keep-alive
                    pass
                self._reply(handler, answer)
                return
        self._reply(handler, Answer(404, {"error": f"no route for {handler.command} {path}"}))

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, answer: Answer) -> None:
        if answer.body is None:
            data, kind = b"", "text/plain"
        elif isinstance(answer.body, bytes):
            data, kind = answer.body, "application/octet-stream"
        else:
            data, kind = json.dumps(answer.body).encode(), "application/json; charset=UTF-8"
        handler.send_response(answer.status)
        for name, value in {"Content-Type": kind, **answer.headers}.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str | None
    scope: str
    account: str


class Authority:
    """OAuth 2.0 as the platforms run it: one-use codes, PKCE S256 checked when the
    authorization carried a challenge, access tokens, refresh tokens."""

    def __init__(self, client_id: str, client_secret: str, account: str) -> None:
        self.client_id, self.client_secret, self.account = client_id, client_secret, account
        self.codes: dict[str, Grant] = {}
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.refreshable: set[str] = set()  # access tokens that refresh themselves (Instagram)
        self.authorizations: list[dict[str, str]] = []

    def authorize(self, call: Call, *, client_param: str = "client_id") -> Answer:
        """The user consents at once: 302 back to redirect_uri with code and state."""
        q = call.query
        self.authorizations.append(q)
        if q.get(client_param) != self.client_id or q.get("response_type") != "code":
            return Answer(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = Grant(q[client_param], q["redirect_uri"], q.get("code_challenge"),
                                 q.get("scope", ""), self.account)
        back = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
        return Answer(302, None, {"Location": back})

    def redeem(self, form: dict[str, str], *, client_param: str = "client_id") \
            -> tuple[Grant | None, str]:
        """The grant a code stands for, or (None, OAuth error code)."""
        if form.get(client_param) != self.client_id or \
                form.get("client_secret") != self.client_secret:
            return None, "invalid_client"
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant.redirect_uri != form.get("redirect_uri"):
            return None, "invalid_grant"
        if grant.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
                return None, "invalid_grant"
        return grant, ""

    def issue(self, *, with_refresh: bool = True) -> tuple[str, str | None]:
        access = f"at-{secrets.token_urlsafe(12)}"
        self.access.add(access)
        self.refreshable.add(access)
        refresh = f"rt-{secrets.token_urlsafe(12)}" if with_refresh else None
        if refresh:
            self.refresh.add(refresh)
        return access, refresh

    def expire_access(self) -> None:
        """Every access token issued so far stops working (a 401 from the API), though
        Instagram's may still be refreshed."""
        self.access.clear()

    def revoke(self) -> None:
        """The user withdrew the grant: refresh tokens are refused with invalid_grant."""
        self.access.clear()
        self.refresh.clear()
        self.refreshable.clear()
