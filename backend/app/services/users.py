"""Accounts and API keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.core.security import api_key_digest, hash_password, new_api_key, verify_password
from app.models import ApiKey, User

# Verifying against a real hash keeps unknown-email logins as slow as wrong passwords.
_DUMMY_HASH = hash_password("timing-equaliser")
# argon2 (64 MiB, ~0.2 s of CPU per hash) runs on threads of its own, a few at a time:
# a burst of logins must neither exhaust memory nor take the shared thread pool that
# uploads and storage calls use. Made on first use, inside the event loop.
_hash_slots: CapacityLimiter | None = None
_in_gate = 0  # hashes running or waiting in this process (counted before any await)

T = TypeVar("T")


async def gated_hash(work: Callable[..., T], *args: str) -> T:
    """Run one password hash or verification on the hash gate; 503 when too many wait."""
    global _hash_slots, _in_gate
    if _hash_slots is None:
        _hash_slots = CapacityLimiter(settings.auth.PASSWORD_HASH_CONCURRENCY)
    if _in_gate >= settings.auth.PASSWORD_HASH_CONCURRENCY + settings.auth.PASSWORD_HASH_QUEUE_MAX:
        raise AppError("busy", "too many sign-ins at once; try again shortly", 503,
                       headers={"Retry-After": "1"})
    _in_gate += 1
    try:
        return await to_thread.run_sync(work, *args, limiter=_hash_slots)
    finally:
        _in_gate -= 1


async def register(*, session: AsyncSession, email: str, password: str,
                   role: str = "user") -> User:
    """Create an account; a taken email is a 409 on the `email` field."""
    # argon2 takes ~0.2 s of CPU: off the event loop, so other requests keep flowing
    password_hash = await gated_hash(hash_password, password)
    user = User(email=email.lower(), password_hash=password_hash, role=role)
    session.add(user)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError:
        raise AppError("email_taken", "email is already registered", 409, field="email") from None
    return user


async def authenticate_password(*, session: AsyncSession, email: str, password: str) -> User:
    user = await session.scalar(select(User).where(User.email == email.lower()))
    stored = user.password_hash if user is not None else _DUMMY_HASH
    matches = await gated_hash(verify_password, password, stored)
    if user is None or not user.is_active or not matches:
        raise AppError("invalid_credentials", "wrong email or password", 401, field="password",
                       headers={"WWW-Authenticate": "Bearer"})
    return user


async def change_password(*, session: AsyncSession, user: User, current: str,
                          new: str) -> None:
    """Set a new password once the current one is proven (the caller revokes the tokens)."""
    if not await gated_hash(verify_password, current, user.password_hash):
        raise AppError("invalid_credentials", "the current password is wrong", 422,
                       field="current_password")
    user.password_hash = await gated_hash(hash_password, new)
    await session.flush()


async def deactivate(*, session: AsyncSession, user_id: uuid.UUID) -> None:
    """Stop an account from signing in (the caller revokes its tokens); its data is kept."""
    done = await session.execute(update(User).where(User.id == user_id)
                                 .values(is_active=False))
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("user", field="user_id")


async def list_users(*, session: AsyncSession, email: str | None, limit: int,
                     offset: int) -> tuple[list[User], int]:
    """Accounts newest first (`email`: part of the address, any case) and how many match."""
    where = [User.email.icontains(email, autoescape=True)] if email else []
    total = await session.scalar(select(func.count()).select_from(User).where(*where))
    rows = await session.scalars(select(User).where(*where)
                                 .order_by(User.created_at.desc(), User.id)
                                 .limit(limit).offset(offset))
    return list(rows), total or 0


async def api_key_holder(*, session: AsyncSession,
                         key: str) -> tuple[User, uuid.UUID] | None:
    """The owner of an unrevoked API key, and the key's id."""
    row = await session.execute(
        select(User, ApiKey.id)
        .join(ApiKey, ApiKey.user_id == User.id)
        .where(ApiKey.digest == api_key_digest(key), ApiKey.revoked_at.is_(None))
    )
    found = row.first()
    return (found[0], found[1]) if found else None


async def user_for_api_key(*, session: AsyncSession, key: str) -> User | None:
    found = await api_key_holder(session=session, key=key)
    return found[0] if found else None


async def create_api_key(*, session: AsyncSession, user: User, name: str) -> tuple[ApiKey, str]:
    key, digest = new_api_key()
    api_key = ApiKey(user_id=user.id, name=name, prefix=key[:12], digest=digest)
    session.add(api_key)
    await session.flush()
    return api_key, key


async def list_api_keys(*, session: AsyncSession, user: User) -> list[ApiKey]:
    rows = await session.scalars(
        select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
        .order_by(ApiKey.created_at)
    )
    return list(rows)


async def revoke_api_key(*, session: AsyncSession, user: User, key_id: uuid.UUID) -> None:
    done = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.user_id == user.id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    if done.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("api key", field="key_id")
