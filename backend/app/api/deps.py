"""Request dependencies as Annotated aliases: session, redis, storage, current user."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

import redis.asyncio as aioredis
from fastapi import Depends, Request, WebSocket
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.errors import AppError
from app.core.logging import bind
from app.core.security import API_KEY_PREFIX, TokenClaims, decode_token_claims
from app.core.transaction import run_callbacks
from app.models import User
from app.realtime.hub import EventHub
from app.services import api_key_use, sessions
from app.services import users as user_service
from app.services.submits.admission import Admitter
from app.storage import Storage, get_storage

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


def _sessionmaker(request: Request) -> async_sessionmaker[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.sessionmaker
    return maker


@contextlib.asynccontextmanager
async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction: commit on success (then run after-commit hooks), else roll back."""
    async with _sessionmaker(request)() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            await run_callbacks(session, "after_rollback")
            raise
        await run_callbacks(session, "after_commit")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request (`request_session`)."""
    async with request_session(request) as session:
        yield session


async def get_redis(request: Request) -> aioredis.Redis:
    client: aioredis.Redis = request.app.state.redis
    return client


async def get_hub(request: Request) -> EventHub:
    hub: EventHub = request.app.state.hub
    return hub


async def get_admitter(request: Request) -> Admitter:
    admitter: Admitter = request.app.state.admitter
    return admitter


async def storage_dep() -> Storage:
    return get_storage()


# Dependencies are `async def`: FastAPI runs a plain `def` dependency in its thread pool,
# a thread hop per request for what is an attribute read.
# scope="function": commit before the response is sent, so a 202 means "stored".
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
RedisDep = Annotated[aioredis.Redis, Depends(get_redis)]
StorageDep = Annotated[Storage, Depends(storage_dep)]
HubDep = Annotated[EventHub, Depends(get_hub)]
AdmitterDep = Annotated[Admitter, Depends(get_admitter)]

_UNAUTHORIZED = AppError("unauthorized", "missing or invalid credentials", 401,
                         headers={"WWW-Authenticate": "Bearer"})


async def token_claims(redis: aioredis.Redis, token: str) -> TokenClaims:
    """The claims of a valid token that was not revoked, or raise 401."""
    claims = decode_token_claims(token)
    if claims is None or await sessions.is_revoked(redis, claims):
        raise _UNAUTHORIZED
    return claims


async def authenticate(session: AsyncSession, redis: aioredis.Redis,
                       credential: str | None) -> User:
    """Resolve a bearer JWT or an API key to an active user, or raise 401."""
    if not credential:
        raise _UNAUTHORIZED
    user: User | None
    if credential.startswith(API_KEY_PREFIX):
        found = await user_service.api_key_holder(session=session, key=credential)
        user = found[0] if found else None
        if found is not None:
            await api_key_use.note_use(redis, found[1])
    else:
        claims = await token_claims(redis, credential)
        user = await session.get(User, claims.user_id)
    if user is None or not user.is_active:
        raise _UNAUTHORIZED
    bind(user_id=str(user.id))  # every later log line of this request carries it
    return user


async def get_current_user(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> User:
    return await authenticate(session, request.app.state.redis, token or api_key)


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_current_token(
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> TokenClaims | None:
    """The claims of the request's bearer token (None for an API key); pair it with
    CurrentUser, which refuses an invalid or revoked one."""
    if not token or token.startswith(API_KEY_PREFIX):
        return None
    return decode_token_claims(token)


CurrentToken = Annotated[TokenClaims | None, Depends(get_current_token)]


@dataclass(frozen=True)
class Caller:
    """Who is calling, before the user row is read: a bearer token's user id costs no
    round trip (the submit batch reads the row, and checks it is active)."""

    user_id: uuid.UUID

    async def load(self, session: AsyncSession) -> User:
        """The active user row (401 if it is gone or inactive)."""
        user = await session.get(User, self.user_id)
        if user is None or not user.is_active:
            raise _UNAUTHORIZED
        return user


async def get_caller(
    request: Request,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> Caller:
    """No session unless the credential is an API key: most submits need none."""
    credential = token or api_key
    redis: aioredis.Redis = request.app.state.redis
    if credential and not credential.startswith(API_KEY_PREFIX):
        claims = await token_claims(redis, credential)  # one MGET, no database
        bind(user_id=str(claims.user_id))
        return Caller(claims.user_id)
    async with _sessionmaker(request)() as session:
        user = await authenticate(session, redis, credential)
    return Caller(user.id)


CurrentCaller = Annotated[Caller, Depends(get_caller)]


async def get_admin_user(user: CurrentUser) -> User:
    if user.role != "admin":
        raise AppError("forbidden", "admin role required", 403)
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]


@dataclass(frozen=True)
class SocketCaller:
    """Who opened a WebSocket, and the token it stands for (None for an API key)."""

    user: User
    token: TokenClaims | None


async def websocket_user(websocket: WebSocket, session: AsyncSession) -> SocketCaller:
    """Browsers cannot set headers on a WebSocket: they send `?ticket=` (a one-time ticket
    from POST /ws/ticket); other programs send a bearer or X-API-Key header. A token in
    the URL is refused: URLs end up in logs, proxies and browser history."""
    redis: aioredis.Redis = websocket.app.state.redis
    ticket = websocket.query_params.get("ticket")
    if ticket is not None:
        held = await sessions.redeem_ticket(redis, ticket)
        if held is None or (held.token is not None
                            and await sessions.is_revoked(redis, held.token)):
            raise _UNAUTHORIZED
        user = await session.get(User, held.user_id)
        if user is None or not user.is_active:
            raise _UNAUTHORIZED
        return SocketCaller(user, held.token)
    header = websocket.headers.get("authorization", "")
    token = header[7:] if header.lower().startswith("bearer ") else None
    if token and not token.startswith(API_KEY_PREFIX):
        claims = await token_claims(redis, token)
        return SocketCaller(await authenticate(session, redis, token), claims)
    return SocketCaller(await authenticate(session, redis, token or
                                           websocket.headers.get("x-api-key")), None)


def parse_uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise AppError("invalid_id", f"{field} is not a valid id", 422, field=field) from None
