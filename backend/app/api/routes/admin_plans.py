"""Admin: the plans (PLANS setting) and which one an account is on."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from app.api.deps import AdminUser, SessionDep
from app.schemas.plan import PlanAssign, PlanRead, UserPlanRead
from app.services import plans

router = APIRouter(prefix="/admin", tags=["admin"])

_ADMIN_ONLY: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing or invalid credentials"},
    403: {"description": "Admin role required"}}


@router.get("/plans", response_model=list[PlanRead], summary="The plans and their limits",
            responses=_ADMIN_ONLY)
async def list_plans(_: AdminUser) -> list[PlanRead]:
    return [PlanRead(name=name, **limits.model_dump())
            for name, limits in sorted(plans.catalogue().items())]


@router.put("/users/{user_id}/plan", response_model=UserPlanRead,
            summary="Put an account on a plan (its next submit is checked against it)",
            responses={**_ADMIN_ONLY, 404: {"description": "No such user"},
                       422: {"description": "No such plan"}})
async def assign_plan(user_id: uuid.UUID, body: PlanAssign, _: AdminUser,
                      session: SessionDep) -> UserPlanRead:
    user = await plans.assign(session=session, user_id=user_id, plan=body.plan)
    return UserPlanRead.model_validate(user)
