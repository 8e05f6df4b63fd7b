"""Plan bodies: the plans an operator may assign, and one account's plan."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from app.core.config import PlanLimits


class PlanRead(PlanLimits):
    """One plan and its limits."""

    name: str


class PlanAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plan: str = Field(min_length=1, max_length=32, description="a name from GET /admin/plans")


class UserPlanRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: str
    plan: str
