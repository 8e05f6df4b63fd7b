"""Brand kits: merge a request's kit over its project's, field by field, and check the
assets a kit names (the caller's own or shared library items, not retired, of the right
kind: a watermark is an image, music is audio)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError, NotFound
from app.models import Asset, User
from app.schemas.brand import BrandKit

# the kit's asset references: (section, kind it must be)
ASSET_SECTIONS = {"watermark": "image", "music": "audio"}


def merge_kit(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` (a request's kit, only the fields it set) over `base` (the project's), one
    section and then one field at a time; a section set to null removes it."""
    out = dict(base)
    for section, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(section), dict):
            out[section] = {**out[section], **value}
        else:
            out[section] = value
    return {k: v for k, v in out.items() if v is not None}


def kit_json(kit: BrandKit | None) -> dict[str, Any]:
    """A kit as stored (projects.brand, a render step's params): unset fields left out."""
    return kit.model_dump(mode="json", exclude_none=True) if kit else {}


async def check_kit_assets(*, session: AsyncSession, user: User, kit: BrandKit,
                           prefix: str = "brand") -> None:
    """Every asset the kit names is usable by `user` and of its kind; 404 (unknown or
    another user's) or 422 (retired, wrong kind) naming `brand.<section>.asset_id`."""
    wanted = {section: getattr(kit, section).asset_id for section in ASSET_SECTIONS
              if getattr(kit, section) is not None}
    if not wanted:
        return
    rows = {row.id: row for row in await session.execute(
        select(Asset.id, Asset.kind, Asset.retired_at).where(
            Asset.id.in_(list(wanted.values())),
            # the caller's own uploads, or a shared library item (no owner)
            or_(Asset.user_id == user.id, Asset.user_id.is_(None))))}
    for section, asset_id in wanted.items():
        field = f"{prefix}.{section}.asset_id"
        row = rows.get(asset_id)
        if row is None:
            raise NotFound(f"asset {asset_id}", field=field)
        if row.retired_at is not None:
            raise AppError("asset_retired", f"{field}: library item {asset_id} is retired "
                           "and can no longer be used in new work", 422, field=field)
        if row.kind != ASSET_SECTIONS[section]:
            raise AppError("wrong_asset_kind", f"{field}: asset {asset_id} is not "
                           f"{ASSET_SECTIONS[section]}", 422, field=field)

