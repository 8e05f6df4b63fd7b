"""Plans: the catalogue (the PLANS setting) and assigning one to an account."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import PlanLimits, settings
from app.core.errors import AppError, NotFound
from app.models import User


def catalogue() -> dict[str, PlanLimits]:
    return dict(settings.admission.PLANS)


async def assign(*, session: AsyncSession, user_id: uuid.UUID, plan: str) -> User:
    """Put the account on `plan`; its next submit is checked against the new limits."""
    if plan not in settings.admission.PLANS:
        raise AppError("unknown_plan", f"no plan {plan!r}; plans: "
                       f"{', '.join(sorted(settings.admission.PLANS))}", 422, field="plan")
    user = await session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound("user", field="user_id")
    user.plan = plan
    return user
