"""Refuse JSON bodies with NUL characters (PostgreSQL text cannot hold them) with a 422
that names the field, before any handler stores a value it would fail on."""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.errors import error_body

NUL_ESCAPE = b"\\u0000"


def find_nul(value: Any, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    """The path of the first string (or key) holding a NUL character, if any."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return (*path, key)
            found = find_nul(item, (*path, key))
            if found is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = find_nul(item, (*path, str(index)))
            if found is not None:
                return found
    return None


class NulGuard:
    """Buffers JSON bodies (already size-capped upstream) and checks them only when the
    raw bytes contain an escaped NUL, so ordinary requests pay a substring search."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or [])
        if scope["type"] != "http" or b"json" not in headers.get(b"content-type", b""):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if NUL_ESCAPE in body:
            try:
                path = find_nul(json.loads(body))
            except ValueError:
                path = None  # malformed JSON: the route's own validation answers
            if path is not None:
                await self._reject(send, ".".join(path))
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _reject(send: Send, field: str) -> None:
        payload = json.dumps(error_body(
            "invalid_text", f"{field}: NUL characters are not allowed", field)).encode()
        await send({"type": "http.response.start", "status": 422,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})
