"""One library item as its reader and its writer see it: visibility (own or shared) and
what an owner (an admin, for shared items) may change."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.models import Asset, User
from app.schemas.library import LibraryUpdate


def is_admin(user: User) -> bool:
    return user.role == "admin"


async def get_item(*, session: AsyncSession, user: User, asset_id: uuid.UUID) -> Asset:
    """A shared item or one of the user's own (retired ones too: a failed job points here);
    another user's upload reads as not found."""
    asset = await session.get(Asset, asset_id)
    if asset is None or asset.user_id not in (None, user.id):
        raise NotFound("library item", field="asset_id")
    return asset


async def writable_item(*, session: AsyncSession, user: User, asset_id: uuid.UUID) -> Asset:
    """An item the user may change: their own, or a shared one when they are an admin."""
    asset = await get_item(session=session, user=user, asset_id=asset_id)
    if asset.user_id is None and not is_admin(user):
        raise AppError("forbidden", "shared library items are changed by admins only", 403,
                       field="asset_id")
    return asset


async def update_item(*, session: AsyncSession, user: User, asset_id: uuid.UUID,
                      change: LibraryUpdate) -> Asset:
    """Apply the fields given; a shared item keeps a licence (it cannot be removed)."""
    asset = await writable_item(session=session, user=user, asset_id=asset_id)
    given = change.model_fields_set
    if "licence" in given and change.licence is None and asset.user_id is None:
        raise AppError("licence_required", "licence: a shared item must carry a licence", 422,
                       field="licence")
    if "title" in given:
        asset.title = change.title
    if "tags" in given:
        asset.tags = change.tags or []
    if "licence" in given:
        asset.licence = change.licence.model_dump(mode="json") if change.licence else None
    await session.flush()
    return asset
