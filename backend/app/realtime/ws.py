"""The WebSocket: one connection streams all of the user's events, resumable by id."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.api.deps import websocket_user
from app.core.config import settings
from app.core.errors import AppError
from app.realtime.events import id_key
from app.realtime.replay import replay_then_live

router = APIRouter(tags=["realtime"])

IDLE_PING_S = 15.0
CLOSE_UNAUTHORIZED = 4401
CLOSE_LIFETIME = 4000


async def _until_disconnect(websocket: WebSocket) -> None:
    """Read (and drop) client frames; returns when the client goes away."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


@router.websocket("/ws")
async def websocket_events(websocket: WebSocket) -> None:
    """Authenticate (`?token=` or bearer header), then push `{"id", "type", ...}` events.

    Reconnect with `?last_event_id=<id>` to receive everything after that id first.
    """
    async with websocket.app.state.sessionmaker() as session:
        try:
            user = await websocket_user(websocket, session)
        except AppError:
            await websocket.close(code=CLOSE_UNAUTHORIZED, reason="unauthorized")
            return
    last_id = websocket.query_params.get("last_event_id") or None
    if last_id is not None:
        try:
            id_key(last_id)
        except ValueError:
            await websocket.close(code=1008, reason="last_event_id is malformed")
            return
    await websocket.accept()
    hub = websocket.app.state.hub
    deadline = time.monotonic() + settings.WS_MAX_LIFETIME_S
    async with hub.subscribe(str(user.id)) as sub:
        receiver = asyncio.create_task(_until_disconnect(websocket))
        try:
            await websocket.send_text(json.dumps({"type": "ready", "user_id": str(user.id)}))
            async for item in replay_then_live(sub=sub, redis=websocket.app.state.redis,
                                               last_id=last_id, idle_s=IDLE_PING_S):
                if receiver.done():
                    return
                if time.monotonic() > deadline:
                    await websocket.close(code=CLOSE_LIFETIME, reason="reconnect")
                    return
                if item is None:
                    await websocket.send_text('{"type":"ping"}')
                else:
                    await websocket.send_text(item[1])
            # the stream ended: this client fell behind; it resumes from its last id
            await websocket.close(code=CLOSE_LIFETIME, reason="reconnect")
        except (WebSocketDisconnect, RuntimeError):
            return
        finally:
            receiver.cancel()
