"""A local webhook receiver that checks the Reelforge signature the way a customer would."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_SKEW_S = 300  # reject timestamps this far from now: no replay of captured requests


@dataclass
class Receiver:
    secret: str
    answer: int = 204
    received: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/reelforge"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                problem = receiver.verify(self.headers.get("X-Reelforge-Timestamp", ""),
                                          self.headers.get("X-Reelforge-Signature", ""), body)
                if problem:
                    receiver.rejected.append(problem)
                    self.send_response(401)
                else:
                    receiver.received.append(json.loads(body))
                    self.send_response(receiver.answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def verify(self, timestamp: str, signature: str, body: bytes) -> str | None:
        """Why the request is refused, or None when it is authentic and fresh."""
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_SKEW_S:
            return f"stale or missing timestamp {timestamp!r}"
        expected = hmac.new(self.secret.encode(), f"{timestamp}.".encode() + body,
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, f"sha256={expected}"):
            return "bad signature"
        return None
