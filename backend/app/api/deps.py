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
from app.core.security import API_KEY_PREFIX, decode_access_token
from app.core.transaction import run_callbacks
from app.models import User
from app.realtime.hub import EventHub
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


async def authenticate(session: AsyncSession, credential: str | None) -> User:
    """Resolve a bearer JWT or an API key to an active user, or raise 401."""
    if not credential:
        raise _UNAUTHORIZED
    user: User | None
    if credential.startswith(API_KEY_PREFIX):
        user = await user_service.user_for_api_key(session=session, key=credential)
    else:
        user_id = decode_access_token(credential)
        user = await session.get(User, user_id) if user_id else None
    if user is None or not user.is_active:
        raise _UNAUTHORIZED
    bind(user_id=str(user.id))  # every later log line of this request carries it
    return user


async def get_current_user(
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_header)],
) -> User:
    return await authenticate(session, token or api_key)


CurrentUser = Annotated[User, Depends(get_current_user)]


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
    if credential and not credential.startswith(API_KEY_PREFIX):
        user_id = decode_access_token(credential)
        if user_id is None:
            raise _UNAUTHORIZED
        bind(user_id=str(user_id))
        return Caller(user_id)
    async with _sessionmaker(request)() as session:
        user = await authenticate(session, credential)
    return Caller(user.id)


CurrentCaller = Annotated[Caller, Depends(get_caller)]


async def get_admin_user(user: CurrentUser) -> User:
    if user.role != "admin":
        raise AppError("forbidden", "admin role required", 403)
    return user


AdminUser = Annotated[User, Depends(get_admin_user)]


async def websocket_user(websocket: WebSocket, session: AsyncSession) -> User:
    """Browsers cannot set headers on a WebSocket: accept `?token=` or a bearer header."""
    token = websocket.query_params.get("token")
    header = websocket.headers.get("authorization", "")
    if not token and header.lower().startswith("bearer "):
        token = header[7:]
    return await authenticate(session, token or websocket.headers.get("x-api-key"))


def parse_uuid(value: str, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise AppError("invalid_id", f"{field} is not a valid id", 422, field=field) from None
