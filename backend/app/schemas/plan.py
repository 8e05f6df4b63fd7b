"""Plan bodies: the plans an operator may assign, one account's plan, the accounts list."""

from __future__ import annotations

import uuid
from datetime import datetime

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


class AdminUserRead(BaseModel):
    """One account as operators see it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: str
    plan: str
    is_active: bool
    created_at: datetime


class AdminUserPage(BaseModel):
    items: list[AdminUserRead] = Field(description="Newest accounts first")
    total: int = Field(description="Accounts matching the search, over every page")
    limit: int
    offset: int
