"""Admin: accounts (deactivation ends every token and live connection of the account)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from app.api.deps import AdminUser, RedisDep, SessionDep
from app.core.errors import AppError
from app.schemas.plan import AdminUserPage, AdminUserRead
from app.services import sessions
from app.services import users as user_service

router = APIRouter(prefix="/admin/users", tags=["admin"])


@router.get("", response_model=AdminUserPage, summary="Accounts, newest first, by part of "
            "their email", responses={401: {"description": "Missing or invalid credentials"},
                                      403: {"description": "Admin role required"}})
async def list_users(
    _: AdminUser, session: SessionDep,
    email: Annotated[str | None, Query(max_length=320,
                                       description="Part of the address, any case")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> AdminUserPage:
    users, total = await user_service.list_users(session=session, email=email, limit=limit,
                                                 offset=offset)
    return AdminUserPage(items=[AdminUserRead.model_validate(u) for u in users], total=total,
                         limit=limit, offset=offset)


@router.post("/{user_id}/deactivate", status_code=status.HTTP_204_NO_CONTENT,
             summary="Deactivate an account and revoke all its tokens",
             responses={401: {"description": "Missing or invalid credentials"},
                        403: {"description": "Admin role required"},
                        404: {"description": "No such user"},
                        409: {"description": "An admin cannot deactivate their own account"}})
async def deactivate_user(user_id: uuid.UUID, admin: AdminUser, session: SessionDep,
                          redis: RedisDep) -> None:
    if user_id == admin.id:  # the last admin must not lock the operators out
        raise AppError("own_account", "an admin cannot deactivate their own account", 409,
                       field="user_id")
    await user_service.deactivate(session=session, user_id=user_id)
    await session.commit()
    await sessions.revoke_all(redis, user_id)
