"""Where a library item went: the usage rows renders write (asset, job or workflow, role,
result key). An item's owner sees all of its usage; for a shared item an ordinary user
sees their own, an admin everyone's."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.cursor import decode_cursor
from app.core.cursor import encode_cursor as cursor_of
from app.models import Asset, AssetUsage, User
from app.services.library.items import is_admin


def encode_cursor(row: AssetUsage) -> str:
    """The cursor of the page after `row` (app.core.cursor)."""
    return cursor_of(row.created_at, row.id)


async def usage_of(*, session: AsyncSession, user: User, asset: Asset, limit: int,
                   cursor: str | None) -> tuple[list[AssetUsage], str | None]:
    """One page of the item's usage the user may see, newest first."""
    query = select(AssetUsage).where(AssetUsage.asset_id == asset.id)
    if asset.user_id is None and not is_admin(user):
        query = query.where(AssetUsage.user_id == user.id)
    if cursor:
        created, row_id = decode_cursor(cursor)
        query = query.where(tuple_(AssetUsage.created_at, AssetUsage.id)
                            < tuple_(created, row_id))
    rows = list(await session.scalars(query.order_by(
        AssetUsage.created_at.desc(), AssetUsage.id.desc()).limit(limit + 1)))
    return rows[:limit], encode_cursor(rows[limit - 1]) if len(rows) > limit else None


async def affected_by(*, session: AsyncSession, asset_id: uuid.UUID, limit: int
                      ) -> tuple[list[AssetUsage], int, list[uuid.UUID]]:
    """What retiring an item affects: its newest `limit` usage rows, how many there are in
    all, and every user they belong to."""
    rows = list(await session.scalars(select(AssetUsage).where(
        AssetUsage.asset_id == asset_id).order_by(
        AssetUsage.created_at.desc(), AssetUsage.id.desc()).limit(limit)))
    total = await session.scalar(select(func.count()).select_from(AssetUsage).where(
        AssetUsage.asset_id == asset_id))
    users = list(await session.scalars(select(AssetUsage.user_id).where(
        AssetUsage.asset_id == asset_id).distinct().order_by(AssetUsage.user_id)))
    return rows, int(total or 0), users
