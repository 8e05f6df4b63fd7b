"""The calling account's use of its plan's quotas."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class QuotaUsage(BaseModel):
    """One limit of the plan and how much of it is taken now."""

    name: str = Field(description="The plan's setting, e.g. `submits_per_hour.video`, "
                                  "`max_running`, `max_asset_bytes`")
    label: str = Field(description="What the limit is, for people")
    used: int
    limit: int
    unit: Literal["submits", "jobs", "assets", "bytes"]
    window: Literal["hour", "now"] = Field(
        description="`hour`: counted over the last hour (rolling); `now`: held at once")
    frees_at: datetime | None = Field(
        None, description="For an hourly limit in use: when its oldest counted submit "
                          "leaves the window")


class UsageRead(BaseModel):
    plan: str
    exempt: bool = Field(description="Admins are not held to the submit and asset quotas")
    quotas: list[QuotaUsage]
