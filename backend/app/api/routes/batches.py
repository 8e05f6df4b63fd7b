"""Batches: up to 500 workflows or videos at once, and their combined status."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Query, Response, status
from fastapi.responses import StreamingResponse

from app.api.deps import CurrentUser, RedisDep, SessionDep, StorageDep
from app.api.paging import CursorQuery
from app.api.submits import IdempotencyKeyHeader, submit_once, submit_responses
from app.core.config import settings
from app.core.errors import AppError, NotFound
from app.core.signing import signed_path, verify
from app.models import Batch
from app.schemas.batch import ArchiveLink, BatchRead, BatchSubmit
from app.schemas.project import BatchPage
from app.services.batches.archive import archive_entries, read_chunks, write_archive
from app.services.batches.reads import batch_read, get_batch, list_batches
from app.services.batches.submit import submit_batch as create_batch

router = APIRouter(tags=["batches"])


@router.post("/tasks/submit/batch", status_code=status.HTTP_202_ACCEPTED,
             response_model=BatchRead, responses=submit_responses(BatchRead),
             summary="Submit up to 500 workflows, videos or script jobs with shared defaults",
             description="`task_type` sets the kind of every item that names none; an "
                         "item's `project_id` makes its project's settings the defaults "
                         "of the fields it leaves out, and `settings` is accepted for "
                         "`overrides` (docs/projects.md).")
async def submit_batch(body: BatchSubmit, user: CurrentUser, session: SessionDep,
                       redis: RedisDep, response: Response,
                       idempotency_key: IdempotencyKeyHeader = None) -> BatchRead:
    first = await submit_once(
        route="batch", body=body, session=session, user=user, key=idempotency_key,
        response=response,
        create=lambda job_id: create_batch(session=session, redis=redis, user=user,
                                           request=body, job_id=job_id))
    if first.batch_id is None:  # the key names a job outside any batch
        raise AppError("idempotency_conflict", "this Idempotency-Key was used for another "
                                               "kind of submit", 409, field="Idempotency-Key")
    return await batch_read(session=session, user=user, batch_id=first.batch_id)


@router.get("/batches/{batch_id}", response_model=BatchRead,
            summary="A batch: each item's state, counts per state, overall progress")
async def read_batch(batch_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> BatchRead:
    return await batch_read(session=session, user=user, batch_id=batch_id)


@router.get("/batches", response_model=BatchPage,
            summary="Your batches, newest first, with each item's state (cursor pages)")
async def list_my_batches(user: CurrentUser, session: SessionDep,
                          limit: Annotated[int, Query(ge=1, le=100)] = 20,
                          cursor: CursorQuery = None
                          ) -> BatchPage:
    items, next_cursor = await list_batches(session=session, user=user, project_id=None,
                                            limit=limit, cursor=cursor)
    return BatchPage(items=items, next_cursor=next_cursor)


ARCHIVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/zip": {}},
          "description": "A ZIP (stored, not deflated): `01-<topic>-<platform>.mp4` and its "
                         "caption text per platform for workflows, `01-<topic>.mp4` for "
                         "videos, and MANIFEST.txt listing every item"},
    404: {"description": "No such batch of yours"},
    409: {"description": "No item has succeeded yet (`not_ready`)"},
}


def _archive_key(batch_id: uuid.UUID) -> str:
    # signed like a result file, under a name /files refuses (it serves `results/` only)
    return f"archives/batches/{batch_id}"


async def _archive(session: SessionDep, storage: StorageDep, batch: Batch) -> Response:
    entries = await archive_entries(session, batch)
    file = await to_thread.run_sync(write_archive, storage, batch, entries)
    size = file.seek(0, 2)
    file.seek(0)
    name = f"reelforge-batch-{str(batch.id)[:8]}.zip"
    return StreamingResponse(read_chunks(file), media_type="application/zip", headers={
        "Content-Length": str(size),
        "Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/batches/{batch_id}/archive", response_class=StreamingResponse,
            response_model=None, responses=ARCHIVE_RESPONSES,
            summary="Every succeeded item's files in one ZIP, with a manifest")
async def download_batch_archive(batch_id: uuid.UUID, user: CurrentUser, session: SessionDep,
                                 storage: StorageDep) -> Response:
    return await _archive(session, storage,
                          await get_batch(session=session, user=user, batch_id=batch_id))


@router.get("/batches/{batch_id}/archive/link", response_model=ArchiveLink,
            responses={404: ARCHIVE_RESPONSES[404]},
            summary="A short-lived, token-free link to the batch's ZIP (for a download link)")
async def link_batch_archive(batch_id: uuid.UUID, user: CurrentUser,
                             session: SessionDep) -> ArchiveLink:
    await get_batch(session=session, user=user, batch_id=batch_id)
    ttl = settings.storage.SIGNED_URL_TTL_S
    query = signed_path(_archive_key(batch_id), ttl_s=ttl).partition("?")[2]
    return ArchiveLink(url=f"{settings.app.API_PREFIX}/batches/{batch_id}/archive/signed?"
                           f"{query}",
                       expires_at=datetime.fromtimestamp(time.time() + ttl, UTC))


@router.get("/batches/{batch_id}/archive/signed", response_class=StreamingResponse,
            response_model=None,
            responses={**ARCHIVE_RESPONSES,
                       403: {"description": "The link is invalid or has expired"}},
            summary="The batch's ZIP by signed link (from /archive/link)")
async def download_signed_batch_archive(
        batch_id: uuid.UUID, session: SessionDep, storage: StorageDep,
        exp: Annotated[int, Query()], sig: Annotated[str, Query(max_length=64)]) -> Response:
    if not verify(_archive_key(batch_id), exp, sig):
        raise AppError("invalid_signature", "the link is invalid or has expired", 403,
                       field="sig")
    batch = await session.get(Batch, batch_id)
    if batch is None:
        raise NotFound("batch", field="batch_id")
    return await _archive(session, storage, batch)
