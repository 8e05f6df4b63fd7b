"""Idempotency keys on submits: one job per (user, key) within a day, even under races.

The key row is inserted first with `ON CONFLICT DO NOTHING`; a concurrent duplicate blocks
on the unique index until the first transaction ends, then sees its committed row.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import AppError
from app.models import IdempotencyKey, Job, User

KEY_TTL = timedelta(hours=24)
MAX_KEY_LENGTH = 255


def request_hash(route: str, body: dict[str, Any]) -> str:
    canonical = json.dumps({"route": route, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_key(key: str) -> None:
    if not 0 < len(key) <= MAX_KEY_LENGTH:
        raise AppError("invalid_idempotency_key",
                       f"Idempotency-Key must be 1-{MAX_KEY_LENGTH} characters", 422,
                       field="Idempotency-Key")


def conflict_error() -> AppError:
    return AppError("idempotency_conflict",
                    "this Idempotency-Key was used with a different request", 409,
                    field="Idempotency-Key")


async def idempotent_submit(
    *,
    session: AsyncSession,
    user: User,
    key: str | None,
    fingerprint: str,
    create: Callable[[uuid.UUID], Awaitable[Job]],
) -> tuple[Job, bool]:
    """Create the job once per key; returns (job, replayed)."""
    job_id = uuid.uuid4()
    if key is None:
        return await create(job_id), False
    check_key(key)
    claimed = await session.scalar(
        insert(IdempotencyKey)
        .values(id=uuid.uuid4(), user_id=user.id, key=key, request_hash=fingerprint,
                job_id=job_id, created_at=datetime.now(UTC))
        .on_conflict_do_nothing(constraint="uq_idempotency_keys_user_key")
        .returning(IdempotencyKey.id))
    if claimed is None:
        existing = await session.scalar(
            select(IdempotencyKey).where(IdempotencyKey.user_id == user.id,
                                         IdempotencyKey.key == key).with_for_update())
        assert existing is not None  # the conflicting row is committed: we waited for it
        if existing.created_at > datetime.now(UTC) - KEY_TTL:
            if existing.request_hash != fingerprint:
                raise conflict_error()
            job = await session.get(Job, existing.job_id)
            if job is not None:
                return job, True
        await session.execute(  # expired (or its job deleted): the key starts over
            update(IdempotencyKey).where(IdempotencyKey.id == existing.id)
            .values(request_hash=fingerprint, job_id=job_id, created_at=datetime.now(UTC)))
    return await create(job_id), False
