"""Local webhook receivers: one that records requests and answers from a script, and a
canary that counts every TCP connection (so a refused URL is proven never dialled)."""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay_s: float = 0.0


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    at: float  # time.monotonic() on arrival


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler still sleeping or writing must not hold up stop()

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early (size caps, timeouts) are expected here


class Receiver:
    """A threaded HTTP(S) server on `host`; answers come from `script`, then `default`."""

    def __init__(self, host: str = "127.0.0.1", script: list[Answer] | None = None,
                 default: Answer | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Received] = []
        self.server_names: list[str | None] = []
        self._script = list(script or [])
        self._default = default or Answer()
        self._lock = threading.Lock()
        handler = self._handler()
        self._server = _Server((host, 0), handler)
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.host, self.port = host, self._server.server_address[1]
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def _next(self) -> Answer:
        with self._lock:
            return self._script.pop(0) if self._script else self._default

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                receiver.requests.append(Received(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                    body, time.monotonic()))
                answer = receiver._next()
                if answer.delay_s:
                    time.sleep(answer.delay_s)  # a slow receiver, on purpose
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value.replace("{url}", receiver.url))
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_POST = do_GET = do_PUT = _answer

            def log_message(self, *_: object) -> None:
                pass

        return Handler

    def wait_for(self, count: int, deadline_s: float = 30.0) -> list[Received]:
        """Wait until at least `count` requests arrived."""
        end = time.monotonic() + deadline_s
        while len(self.requests) < count:
            if time.monotonic() > end:
                raise AssertionError(f"{len(self.requests)} of {count} requests arrived")
            time.sleep(0.02)  # polling interval of a bounded wait
        return list(self.requests)

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class Canary:
    """Counts TCP connections on 127.0.0.1 and ::1, the same port on both."""

    def __init__(self) -> None:
        self.connections = 0
        self._sockets = self._bind_pair()
        self.port = self._sockets[0].getsockname()[1]
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, args=(s,), daemon=True)
                         for s in self._sockets]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _bind_pair() -> list[socket.socket]:
        for _ in range(20):  # the port free on 127.0.0.1 may be taken on ::1
            v4 = socket.socket()
            v4.bind(("127.0.0.1", 0))
            v6 = socket.socket(socket.AF_INET6)
            try:
                v6.bind(("::1", v4.getsockname()[1]))
            except OSError:
                v4.close()
                v6.close()
                continue
            for sock in (v4, v6):
                sock.listen(16)
                sock.settimeout(0.1)
            return [v4, v6]
        raise RuntimeError("no port free on both loopback addresses")

    def _accept(self, sock: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=2)
        for sock in self._sockets:
            sock.close()
