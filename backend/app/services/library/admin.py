"""Admins' side of the shared library: add an item with its licence, retire one.

Retiring never deletes: the file stays so finished results (self-contained MP4s) and the
usage trail stay intact, while new submits naming the item are refused (422) and a queued
job that reaches it fails with `asset_retired` (app/jobs/stored_inputs.fetch_assets)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.models import Asset, AssetUsage, User
from app.schemas.library import Licence
from app.services.assets import library as asset_service
from app.services.library.usage import affected_by
from app.storage import Storage


async def add_shared(*, session: AsyncSession, storage: Storage, user: User, upload: BinaryIO,
                     filename: str | None, declared: str | None, title: str,
                     tags: list[str], licence: Licence) -> Asset:
    """Store an upload as a shared item (no owner, no quota) with its title, tags and
    licence; its tagging message leaves on commit."""
    asset = await asset_service.create_asset(session=session, storage=storage, user=user,
                                             upload=upload, filename=filename,
                                             declared=declared, shared=True)
    asset.title = title
    asset.tags = tags
    asset.licence = licence.model_dump(mode="json")
    await session.flush()
    return asset


# Usage rows listed in a retire answer; the rest page through GET /library/{id}/usage.
RETIRE_LISTED = 1000


@dataclass(frozen=True)
class Retired:
    asset: Asset
    affected: list[AssetUsage]  # the newest RETIRE_LISTED
    total: int
    users: list[uuid.UUID]  # every owner of a result that used it


async def retire(*, session: AsyncSession, asset_id: uuid.UUID, reason: str) -> Retired:
    """Mark a shared item retired (once: a second call keeps the first date and reason) and
    say which results it went into."""
    asset = await session.get(Asset, asset_id, with_for_update=True)
    if asset is None or asset.user_id is not None:
        raise NotFound("shared library item", field="asset_id")
    if asset.retired_at is None:
        asset.retired_at = datetime.now(UTC)
        asset.retired_reason = reason
        await session.flush()
    rows, total, users = await affected_by(session=session, asset_id=asset.id,
                                           limit=RETIRE_LISTED)
    return Retired(asset, rows, total, users)
