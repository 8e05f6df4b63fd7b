"""A user's connected accounts: list, one by id (404 for anyone else's), disconnect,
and marking one for reconnection when its platform refuses the grant."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.models import AccountStatus, SocialAccount, User
from app.models.base import utcnow

REASON_MAX_CHARS = 500


async def list_accounts(*, session: AsyncSession, user: User) -> list[SocialAccount]:
    """The user's accounts, oldest first."""
    rows = await session.scalars(select(SocialAccount).where(
        SocialAccount.user_id == user.id).order_by(SocialAccount.created_at, SocialAccount.id))
    return list(rows)


async def get_account(*, session: AsyncSession, user: User,
                      account_id: uuid.UUID) -> SocialAccount:
    """One of the user's accounts, or 404 (someone else's reads as missing)."""
    account = await session.get(SocialAccount, account_id)
    if account is None or account.user_id != user.id:
        raise NotFound("social account", field="account_id")
    return account


async def disconnect(*, session: AsyncSession, user: User, account_id: uuid.UUID) -> None:
    """Forget the account and its tokens (the platform keeps its side of the grant until
    the user revokes it there). Its posts stay, with `account_id` null (ON DELETE SET
    NULL); one still waiting fails with `account_missing` when its job runs."""
    account = await get_account(session=session, user=user, account_id=account_id)
    await session.delete(account)
    await session.flush()


async def mark_needs_reconnect(*, session: AsyncSession, account_id: uuid.UUID,
                               reason: str) -> None:
    """The platform refused the grant: the account waits for the user to connect again."""
    await session.execute(update(SocialAccount).where(SocialAccount.id == account_id).values(
        status=AccountStatus.NEEDS_RECONNECT.value, status_reason=reason[:REASON_MAX_CHARS],
        updated_at=utcnow()))
