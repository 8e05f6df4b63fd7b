"""Sends a WebSocket's frames from the publisher's own stack while the socket takes them.

Fan-out to 1,000 sockets through a queue per socket costs a Task wake-up, a future and a
timer per message; here the hub steps the ASGI send coroutine itself. uvicorn's send only
suspends when the transport is over its high-water mark, so a send normally completes in
one step; one that suspends is finished by a Task, and later frames park behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

SendText = Callable[[str], Coroutine[Any, Any, None]]

# why a sender ended
DISCONNECTED = "disconnected"  # the client went away or a send failed
OVERFLOW = "overflow"  # the client read too slowly: `limit` frames were parked
RECONNECT = "reconnect"  # the hub asked this client to resume from its last event id
LIFETIME = "lifetime"  # the connection reached its maximum age
REVOKED = "revoked"  # the credential that opened it was revoked, or its user deactivated


async def _drive(coro: Coroutine[Any, Any, None], waiting: object) -> None:
    """Run a coroutine that suspended outside any Task to its end, from this Task."""
    while True:
        if isinstance(waiting, asyncio.Future):
            waiting._asyncio_future_blocking = False
            await asyncio.wait([waiting])
        else:  # a bare yield (`asyncio.sleep(0)`) asks to be resumed on the next turn
            await asyncio.sleep(0)
        try:
            waiting = coro.send(None)
        except StopIteration:
            return


class DirectSender:
    """Frames go out in `offer` order; while one send waits for the socket, up to `limit`
    more are parked behind it, and one more ends the sender (`reason` OVERFLOW)."""

    def __init__(self, send: SendText, *, limit: int) -> None:
        self._send = send
        self._limit = limit
        self._parked: deque[str] = deque()
        self._task: asyncio.Task[None] | None = None
        self.ended = asyncio.Event()
        self.reason: str | None = None

    @property
    def parked(self) -> int:
        return len(self._parked)

    def offer(self, text: str) -> None:
        """Send `text` now if the socket takes it, else park it; never raises."""
        if self.ended.is_set():
            return
        if self._task is not None:
            if len(self._parked) >= self._limit:
                self.end(OVERFLOW)
            else:
                self._parked.append(text)
            return
        coro = self._send(text)
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
        except Exception:  # a failed send means a gone client, never a failed publisher
            self.end(DISCONNECTED)
            return
        self._task = asyncio.get_running_loop().create_task(self._resume(coro, waiting))

    async def _resume(self, coro: Coroutine[Any, Any, None], waiting: object) -> None:
        try:
            await _drive(coro, waiting)
            while self._parked and not self.ended.is_set():
                await self._send(self._parked.popleft())
        except Exception:
            self.end(DISCONNECTED)
        finally:
            coro.close()  # a no-op once it has finished
            self._task = None

    def end(self, reason: str) -> None:
        """Accept nothing more; the first reason given is kept."""
        if self.reason is None:
            self.reason = reason
        self._parked.clear()
        self.ended.set()

    async def aclose(self) -> None:
        """End the sender and stop a send still waiting for the socket."""
        self.end(DISCONNECTED)
        task = self._task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
