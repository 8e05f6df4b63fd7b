"""What every submit route shares: the Idempotency-Key header, the documented answers, and
creating the job once per key (a replay answers 200 instead of 202)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Header, Response, status
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Job, User
from app.schemas.jobs import JobRead
from app.services.submits.idempotency import idempotent_submit, request_hash

SUBMIT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"model": JobRead, "description": "Replay: the job first created with this "
                                           "Idempotency-Key and body"},
    404: {"description": "An asset or the `project_id` is unknown or not yours (the field "
                         "names it)"},
    409: {"description": "The Idempotency-Key was used with a different body"},
    422: {"description": "Invalid field (the error names it)"},
    429: {"description": "Over a quota or the queue is full; see Retry-After"},
}


def submit_responses(read: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """SUBMIT_RESPONSES for a submit that answers `read` (a batch, a workflow), not a job."""
    replay = {**SUBMIT_RESPONSES[200], "model": read}
    return {**SUBMIT_RESPONSES, 200: replay}


IdempotencyKeyHeader = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=255,
    description="Repeat a submit safely: the same key and body within 24 h return the "
                "first job")]


async def submit_once(*, route: str, body: BaseModel, session: AsyncSession, user: User,
                      key: str | None, response: Response,
                      create: Callable[[uuid.UUID], Awaitable[Job]]) -> Job:
    """Create the job once per Idempotency-Key; a replay sets the answer to 200."""
    job, replayed = await idempotent_submit(
        session=session, user=user, key=key,
        fingerprint=request_hash(route, body.model_dump(mode="json")), create=create)
    if replayed:
        response.status_code = status.HTTP_200_OK
    return job
