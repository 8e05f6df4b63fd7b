"""The direct sender: frames leave in order from the offering stack, park while the
socket is full, and a client that stays full or fails is ended, never the publisher."""

from __future__ import annotations

import asyncio

import pytest

from app.realtime.direct import DISCONNECTED, OVERFLOW, DirectSender


class Socket:
    """An ASGI-like send whose socket can be 'full': sends then wait, as uvicorn's do."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.writable = asyncio.Event()
        self.writable.set()
        self.broken = False

    async def send(self, text: str) -> None:
        await self.writable.wait()
        if self.broken:
            raise OSError("connection reset")
        self.sent.append(text)


async def test_sends_complete_on_the_offering_stack_while_the_socket_takes_them() -> None:
    socket = Socket()
    sender = DirectSender(socket.send, limit=10)
    for n in range(5):
        sender.offer(str(n))
        assert socket.sent == [str(i) for i in range(n + 1)]  # no Task, no loop turn
    assert not sender.ended.is_set()


async def test_a_full_socket_parks_frames_in_order_and_resumes() -> None:
    socket = Socket()
    sender = DirectSender(socket.send, limit=10)
    sender.offer("a")
    socket.writable.clear()
    for text in ("b", "c", "d"):
        sender.offer(text)
    assert socket.sent == ["a"] and sender.parked == 2  # "b" waits inside its send
    socket.writable.set()
    while socket.sent != ["a", "b", "c", "d"]:
        await asyncio.sleep(0)  # the resuming Task runs on later loop turns
    sender.offer("e")
    assert socket.sent[-1] == "e" and not sender.ended.is_set()


async def test_more_than_limit_parked_ends_the_sender_as_overflow() -> None:
    socket = Socket()
    sender = DirectSender(socket.send, limit=3)
    socket.writable.clear()
    for n in range(5):
        sender.offer(str(n))
    assert sender.ended.is_set() and sender.reason == OVERFLOW and sender.parked == 0
    await sender.aclose()  # the send waiting for the socket is stopped
    socket.writable.set()
    await asyncio.sleep(0)
    assert socket.sent == [] and sender.reason == OVERFLOW


@pytest.mark.parametrize("while_waiting", [False, True])
async def test_a_failing_send_ends_the_sender_without_raising(while_waiting: bool) -> None:
    socket = Socket()
    sender = DirectSender(socket.send, limit=10)
    socket.broken = True
    if while_waiting:
        socket.writable.clear()
    sender.offer("lost")  # the hub's loop must never see the exception
    if while_waiting:
        assert not sender.ended.is_set()
        socket.writable.set()
        await asyncio.wait_for(sender.ended.wait(), 5)
    assert sender.reason == DISCONNECTED
    sender.offer("after")
    assert socket.sent == []
