"""Direct uploads: the client PUTs a large file to the store by a presigned URL, then asks
us to complete it; only then is it sniffed, capped, probed and registered as an asset.

The pending upload lives in Redis for DIRECT_UPLOAD_TTL_S (owner, staging key, kind); its
bytes wait under `uploads/{user}/{upload_id}`, which no asset row names: one never
completed is deleted by the hourly cleanup, and one refused is deleted at once.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from anyio import to_thread
from redis import asyncio as aioredis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.core.temp_names import UPLOAD_FOLDER
from app.core.transaction import after_commit
from app.models import Asset, User
from app.schemas.asset import DirectUploadCreate, DirectUploadRead
from app.services.assets import quota
from app.services.assets.library import cap_for, create_asset
from app.storage import Storage

PREFIX = "uploads/"
STAGING_CONTENT_TYPE = "application/octet-stream"  # the bytes are sniffed, never trusted


def _pending_key(upload_id: uuid.UUID) -> str:
    return f"direct-upload:{upload_id}"


async def start_upload(*, session: AsyncSession, redis: aioredis.Redis, storage: Storage,
                       user: User, body: DirectUploadCreate) -> DirectUploadRead:
    """A presigned PUT for one file; 413 above the kind's cap or the plan's asset bytes,
    429 at the plan's asset count, 501 on a store with no URLs."""
    cap = cap_for(body.kind)
    if body.size_bytes > cap:
        raise AppError("file_too_large", f"size_bytes: larger than {cap} bytes", 413,
                       field="size_bytes")
    await quota.precheck(session=session, user=user, adding=body.size_bytes)
    upload_id = uuid.uuid4()
    key = f"{PREFIX}{user.id}/{upload_id}"
    ttl = settings.uploads.DIRECT_UPLOAD_TTL_S
    url = await to_thread.run_sync(lambda: storage.presigned_put(
        key, expires_s=ttl, content_type=STAGING_CONTENT_TYPE))
    if url is None:
        raise AppError("direct_upload_unavailable",
                       "direct uploads need an S3 store; POST /assets instead", 501)
    pending = {"user_id": str(user.id), "key": key, "kind": body.kind,
               "filename": body.filename}
    await redis.set(_pending_key(upload_id), json.dumps(pending), ex=ttl)
    return DirectUploadRead(
        upload_id=upload_id, url=url, headers={"Content-Type": STAGING_CONTENT_TYPE},
        expires_at=datetime.now(UTC) + timedelta(seconds=ttl),
        complete_url=f"{settings.app.API_PREFIX}/assets/uploads/{upload_id}/complete")


async def complete_upload(*, session: AsyncSession, redis: aioredis.Redis, storage: Storage,
                          user: User, upload_id: uuid.UUID) -> Asset:
    """Check the stored bytes like any upload and register them; a refused file is deleted."""
    raw = await redis.get(_pending_key(upload_id))
    pending = json.loads(raw) if raw else None
    if pending is None or pending["user_id"] != str(user.id):
        raise NotFound("upload", field="upload_id")
    key = pending["key"]
    try:
        size = await to_thread.run_sync(storage.size, key)
    except FileNotFoundError:
        raise AppError("upload_missing", "upload_id: nothing was PUT to the upload URL", 409,
                       field="upload_id") from None
    try:
        if size > cap_for(pending["kind"]):
            raise AppError("file_too_large", f"file: larger than {cap_for(pending['kind'])} "
                           "bytes", 413, field="file")
        settings.app.temp_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=UPLOAD_FOLDER, dir=settings.app.temp_dir) as work:
            local = Path(work) / "direct"
            await to_thread.run_sync(storage.download, key, local)
            with local.open("rb") as handle:
                asset = await create_asset(session=session, storage=storage, user=user,
                                           upload=handle, filename=pending["filename"],
                                           declared=pending["kind"])
    except AppError:
        await to_thread.run_sync(storage.delete, key)
        await redis.delete(_pending_key(upload_id))
        raise
    async def forget() -> None:
        await redis.delete(_pending_key(upload_id))
        await to_thread.run_sync(storage.delete, key)

    after_commit(session, forget)
    return asset
