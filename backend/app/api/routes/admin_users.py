"""Admin: accounts (deactivation ends every token and live connection of the account)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from app.api.deps import AdminUser, RedisDep, SessionDep
from app.core.errors import AppError
from app.services import sessions
from app.services import users as user_service

router = APIRouter(prefix="/admin/users", tags=["admin"])


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
