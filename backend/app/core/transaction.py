"""Callbacks that run once the request's transaction commits or rolls back.

Publishing to the broker happens after commit (never a message for an uncommitted job);
files written for a request that then fails are removed on rollback.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

Callback = Callable[[], Awaitable[None] | None]


def after_commit(session: AsyncSession, callback: Callback) -> None:
    session.info.setdefault("after_commit", []).append(callback)


def after_rollback(session: AsyncSession, callback: Callback) -> None:
    session.info.setdefault("after_rollback", []).append(callback)


async def run_callbacks(session: AsyncSession, kind: str) -> None:
    callbacks: list[Callback] = session.info.pop(kind, [])
    session.info.pop("after_rollback" if kind == "after_commit" else "after_commit", None)
    for callback in callbacks:
        outcome = callback()
        if outcome is not None:
            await outcome
