"""The plan's asset quota: how many assets an account keeps and how many bytes they hold.

`check_room` is the binding check, made in the transaction that adds the asset under the
owner's quota lock (the one submits take), so two concurrent uploads cannot both take the
last room. `precheck` refuses a direct upload when it is declared, before any byte moves;
it takes no lock (the upload is checked again at complete). Admins are exempt, as from
submit quotas."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.jobs.quotas import LOCK, plan_limits, quota_lock_key
from app.models import Asset, User


async def _usage(session: AsyncSession, user: User) -> tuple[int, int]:
    count, total = (await session.execute(
        select(func.count(), func.coalesce(func.sum(Asset.size_bytes), 0))
        .where(Asset.user_id == user.id))).one()
    return int(count), int(total)


async def usage(*, session: AsyncSession, user: User) -> tuple[int, int]:
    """The assets the user keeps and their bytes, as the checks below count them."""
    return await _usage(session, user)


def _refusal(user: User, count: int, total: int, adding: int, *,
             field: str) -> AppError | None:
    limits = plan_limits(user.plan)
    if count >= limits.max_assets:
        return AppError("asset_quota_exceeded",
                        f"plan {user.plan!r} allows {limits.max_assets} assets; delete some "
                        "to upload more", 429)
    if total + adding > limits.max_asset_bytes:
        return AppError("storage_quota_exceeded",
                        f"plan {user.plan!r} allows {limits.max_asset_bytes} bytes of assets; "
                        f"{total} are used and this file has {adding}", 413, field=field)
    return None


async def precheck(*, session: AsyncSession, user: User, adding: int) -> None:
    """Refuse a declared upload that cannot fit (field `size_bytes`)."""
    if user.role == "admin":
        return
    refused = _refusal(user, *await _usage(session, user), adding, field="size_bytes")
    if refused is not None:
        raise refused


async def check_room(*, session: AsyncSession, user: User, adding: int) -> None:
    """Raise 429 (count) or 413 (bytes) when an asset of `adding` bytes does not fit; holds
    the owner's quota lock until the transaction ends."""
    if user.role == "admin":
        return
    await session.execute(LOCK, {"k": quota_lock_key(user.id)})
    refused = _refusal(user, *await _usage(session, user), adding, field="file")
    if refused is not None:
        raise refused
