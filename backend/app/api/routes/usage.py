"""The calling account's use of its plan's quotas."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CurrentUser, SessionDep
from app.schemas.usage import UsageRead
from app.services.usage import usage_of

router = APIRouter(prefix="/auth", tags=["auth"])


@router.get("/usage", response_model=UsageRead,
            summary="Your plan and how much of each quota is taken: submits per hour per "
                    "kind, jobs waiting and running, uploads kept and their bytes",
            responses={401: {"description": "Missing or invalid credentials"}})
async def read_usage(user: CurrentUser, session: SessionDep) -> UsageRead:
    return await usage_of(session=session, user=user)
