"""Taking access tokens back, and the one-time tickets that open a WebSocket.

A token is a signed JWT that stays valid until `exp`; revocation is a Redis denylist
checked on every request: one key per logged-out token id (kept until the token would
have expired anyway) and one "revoked before" time per user, which ends every token issued
earlier (a password change, a deactivation). Both are read with one MGET.
"""

from __future__ import annotations

import json
import math
import secrets
import time
import uuid
from dataclasses import dataclass

import redis.asyncio as aioredis

from app.core.config import settings
from app.core.security import TokenClaims
from app.realtime.control import publish_revocation


def _token_key(token_id: str) -> str:
    return f"auth:revoked:{token_id}"


def _user_key(user_id: uuid.UUID | str) -> str:
    return f"auth:revoked-before:{user_id}"


def _ticket_key(ticket: str) -> str:
    return f"ws:ticket:{ticket}"


async def is_revoked(redis: aioredis.Redis, claims: TokenClaims) -> bool:
    """Whether the token was logged out, or its user revoked every token since it was issued."""
    token_gone, before = await redis.mget(_token_key(claims.token_id or "-"),
                                          _user_key(claims.user_id))
    if token_gone is not None:
        return True
    # `<`: a token issued in the same millisecond as the revocation (the one a password
    # change hands back) is newer than it
    return before is not None and claims.issued < float(before)


async def revoke_token(redis: aioredis.Redis, claims: TokenClaims) -> None:
    """Log one token out; the entry lives as long as the token would have."""
    remaining = max(1, math.ceil(claims.expires - time.time()))
    await redis.set(_token_key(claims.token_id or "-"), "1", ex=remaining)
    await publish_revocation(redis, claims.user_id, claims.token_id)  # its live sockets


async def revoke_all(redis: aioredis.Redis, user_id: uuid.UUID) -> None:
    """End every token of `user_id` issued until now (password change, deactivation)."""
    # kept for a token's whole lifetime: every token issued before it has expired by then
    await redis.set(_user_key(user_id), f"{time.time():.3f}",
                    ex=settings.auth.ACCESS_TOKEN_TTL_S + 1)
    await publish_revocation(redis, user_id)  # every live connection, API keys' too


@dataclass(frozen=True)
class Ticket:
    """Who a WebSocket ticket was issued to, and the token it stands for (None for a key)."""

    user_id: uuid.UUID
    token: TokenClaims | None


async def issue_ticket(redis: aioredis.Redis, user_id: uuid.UUID,
                       claims: TokenClaims | None) -> str:
    """A random, single-use ticket valid for WS_TICKET_TTL_S: what a browser puts in the
    WebSocket URL instead of its token, so a logged URL holds nothing that lasts."""
    ticket = secrets.token_urlsafe(32)
    value = {"u": str(user_id), "t": None if claims is None else
             [claims.token_id, claims.issued, claims.expires]}
    await redis.set(_ticket_key(ticket), json.dumps(value),
                    ex=settings.realtime.WS_TICKET_TTL_S)
    return ticket


async def redeem_ticket(redis: aioredis.Redis, ticket: str) -> Ticket | None:
    """The ticket's holder, once: GETDEL makes a second use find nothing."""
    if not ticket or len(ticket) > 100:
        return None
    raw = await redis.getdel(_ticket_key(ticket))
    if raw is None:
        return None
    value = json.loads(raw)
    user_id = uuid.UUID(value["u"])
    token = value["t"]
    return Ticket(user_id, None if token is None else
                  TokenClaims(user_id, str(token[0]), float(token[1]), float(token[2])))
