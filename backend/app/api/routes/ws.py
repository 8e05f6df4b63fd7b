"""The WebSocket: one connection streams all of the user's events, resumable by id."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Annotated

from fastapi import APIRouter, Depends, WebSocket, WebSocketDisconnect, status

from app.api.deps import CurrentUser, RedisDep, oauth2_scheme, token_claims, websocket_user
from app.core.config import settings
from app.core.errors import AppError
from app.core.security import API_KEY_PREFIX, TokenClaims
from app.realtime.direct import DISCONNECTED, LIFETIME, REVOKED, DirectSender
from app.realtime.events import id_key
from app.realtime.hub import SUBSCRIBER_QUEUE_MAX
from app.realtime.replay import backlog
from app.realtime.slots import Slot
from app.realtime.transport import reset
from app.schemas.auth import WsTicketRead
from app.services import sessions

router = APIRouter(tags=["realtime"])

IDLE_PING_S = 15.0
PING = '{"type":"ping"}'
# A client that stopped reading may never take the close frame.
CLOSE_WAIT_S = 5.0
CLOSE_UNAUTHORIZED = 4401  # refused, revoked, or the token expired: get a new ticket
CLOSE_LIFETIME = 4000  # resume now from the last event id
CLOSE_TOO_MANY = 4429  # WS_MAX_CONNECTIONS_PER_USER are open already


async def _until_disconnect(websocket: WebSocket) -> None:
    """Read (and drop) client frames; returns when the client goes away."""
    with contextlib.suppress(WebSocketDisconnect, RuntimeError):
        while True:
            await websocket.receive_text()


@router.post("/ws/ticket", status_code=status.HTTP_201_CREATED, response_model=WsTicketRead,
             summary="A one-time ticket that opens the WebSocket (/ws?ticket=...)",
             responses={401: {"description": "Missing or invalid credentials"}})
async def create_ws_ticket(user: CurrentUser, redis: RedisDep,
                           token: Annotated[str | None, Depends(oauth2_scheme)]
                           ) -> WsTicketRead:
    claims = None
    if token is not None and not token.startswith(API_KEY_PREFIX):
        claims = await token_claims(redis, token)  # the socket ends with this token
    ticket = await sessions.issue_ticket(redis, user.id, claims)
    return WsTicketRead(ticket=ticket, expires_in=settings.realtime.WS_TICKET_TTL_S)


@router.websocket("/ws")
async def websocket_events(websocket: WebSocket) -> None:
    """Authenticate (`?ticket=` from POST /ws/ticket, or a bearer or X-API-Key header), then
    push `{"id", "type", ...}` events.

    Reconnect with `?last_event_id=<id>` to receive everything after that id first.
    """
    async with websocket.app.state.sessionmaker() as session:
        try:
            caller = await websocket_user(websocket, session)
            user = caller.user
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
    redis = websocket.app.state.redis
    slot = Slot(redis, str(user.id))
    await websocket.accept()  # then closed with a code the client can read
    if not await slot.take():
        await websocket.close(code=CLOSE_TOO_MANY, reason="too many connections")
        return
    try:
        await _stream(websocket, caller.token, str(user.id), last_id, slot)
    finally:
        await slot.release()


async def _stream(websocket: WebSocket, token: TokenClaims | None, user_id: str,
                  last_id: str | None, slot: Slot) -> None:
    hub = websocket.app.state.hub
    redis = websocket.app.state.redis
    now = time.monotonic()
    deadline = now + settings.realtime.WS_MAX_LIFETIME_S
    # the connection ends with the token that opened it (a ticket carries its expiry)
    token_ends = now + token.expires - time.time() if token is not None else deadline
    async with hub.subscribe(user_id, token.token_id if token else None) as sub:
        # a revocation published before the subscription existed did not reach it
        if token is not None and await sessions.is_revoked(redis, token):
            sub.revoke()
        receiver = asyncio.create_task(_until_disconnect(websocket))
        sender: DirectSender | None = None
        try:
            await websocket.send_text(json.dumps({"type": "ready", "user_id": user_id}))
            newest = (0, 0)
            if last_id is not None:
                async for event_id, text in backlog(redis, sub.user_id, last_id):
                    if receiver.done():
                        return
                    await websocket.send_text(text)
                    newest = id_key(event_id)
            sender = DirectSender(websocket.send_text, limit=SUBSCRIBER_QUEUE_MAX)
            receiver.add_done_callback(lambda _: sender.end(DISCONNECTED))
            sub.go_direct(sender, newest)
            if sub.revoked:
                sender.end(REVOKED)
            await _follow(sender, min(deadline, token_ends), slot)
            await sender.aclose()
            if sender.reason == DISCONNECTED:
                return
            code, reason = CLOSE_LIFETIME, "reconnect"  # the client resumes from its last id
            if sub.revoked:
                code, reason = CLOSE_UNAUTHORIZED, "revoked"
            elif sender.reason == LIFETIME and token_ends <= deadline:
                code, reason = CLOSE_UNAUTHORIZED, "token expired"
            try:
                async with asyncio.timeout(CLOSE_WAIT_S):
                    await websocket.close(code=code, reason=reason)
            except TimeoutError:
                reset(websocket.scope)  # it does not even take the close frame
        except (WebSocketDisconnect, RuntimeError, TimeoutError):
            return
        finally:
            receiver.cancel()
            if sender is not None:  # e.g. cancelled at shutdown: stop parked frames too
                sender.end(DISCONNECTED)


async def _follow(sender: DirectSender, deadline: float, slot: Slot) -> None:
    """Live events flow through `sender` from the hub; here only pings (each renews the
    connection's slot) and the deadline."""
    while (remaining := deadline - time.monotonic()) > 0:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(min(IDLE_PING_S, remaining)):
                await sender.ended.wait()
        if sender.ended.is_set():
            return
        if time.monotonic() < deadline:
            sender.offer(PING)
            await slot.renew()
    sender.end(LIFETIME)
