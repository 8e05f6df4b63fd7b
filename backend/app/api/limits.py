"""ASGI middleware that refuses request bodies over a cap before they reach disk."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import error_body


class BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Cap bodies per path prefix: by Content-Length up front, and by counting the stream."""

    def __init__(self, app: ASGIApp, *, limits: dict[str, int], default: int) -> None:
        self.app = app
        self.limits = sorted(limits.items(), key=lambda kv: -len(kv[0]))
        self.default = default

    def _limit(self, path: str) -> int:
        return next((cap for prefix, cap in self.limits if path.startswith(prefix)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self._limit(scope["path"])
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > cap:
            await self._reject(send, cap)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self._reject(send, cap)

    @staticmethod
    async def _reject(send: Send, cap: int) -> None:
        body = json.dumps(error_body("body_too_large", f"request body exceeds {cap} bytes",
                                     "file")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
