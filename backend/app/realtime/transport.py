"""The server's TCP transport of a WebSocket, for the one case a close cannot handle.

A close waits for the send buffer to drain, and a peer that advertises a zero window keeps
it (with every buffered frame) for as long as it likes: TCP never times that out. To reset
such a connection the route needs the transport, which ASGI does not expose. uvicorn hands
the app its protocol's bound `send`, whose object holds the transport; the outermost
middleware sees that `send` before anything wraps it and files the transport in the scope.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

from starlette.types import ASGIApp, Receive, Scope, Send

SCOPE_KEY = "reelforge.transport"

log = logging.getLogger(__name__)


@runtime_checkable
class Abortable(Protocol):
    """What is used of a transport (asyncio's and uvloop's, which does not subclass it)."""

    def abort(self) -> None: ...

    def is_closing(self) -> bool: ...


class ExposeTransport:
    """ASGI middleware: put the server's transport of each WebSocket in its scope."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if isinstance(transport, Abortable):
                scope[SCOPE_KEY] = transport
        await self.app(scope, receive, send)


def reset(scope: Scope) -> None:
    """Drop the connection now, buffered frames and all (the peer sees a reset)."""
    transport = scope.get(SCOPE_KEY)
    if not isinstance(transport, Abortable):
        log.warning("realtime.ws.reset_unavailable")  # another server: it closes as it can
    elif not transport.is_closing():
        transport.abort()
