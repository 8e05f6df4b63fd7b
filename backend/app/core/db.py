"""Database engines: async for the API, sync (psycopg) for workers and maintenance."""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import lru_cache

from sqlalchemy import Engine, create_engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, sessionmaker

from app.core.config import settings


def make_async_engine(url: str | None = None) -> AsyncEngine:
    # No pre-ping: it costs a round trip per checkout (six per submit, measured in
    # docs/benchmarks.md); connections are recycled instead, and a dead one fails one
    # request, after which the pool discards it.
    return create_async_engine(
        url or settings.database.DATABASE_URL,
        pool_size=settings.database.DB_POOL_SIZE,
        max_overflow=settings.database.DB_MAX_OVERFLOW,
        pool_recycle=settings.database.DB_POOL_RECYCLE_S,
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@lru_cache(maxsize=1)
def sync_engine() -> Engine:
    """One pooled engine per worker process (created lazily, after the fork)."""
    return create_engine(settings.database.sync_url, pool_size=2, max_overflow=4,
                         pool_pre_ping=True)


def sync_session() -> Session:
    return sessionmaker(sync_engine(), expire_on_commit=False)()


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Commit when the request succeeds, roll back when it raises: one boundary."""
    async with maker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
