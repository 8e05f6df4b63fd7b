"""The account's plan and how much of each of its quotas is taken, read with the counts
the checks themselves use (app.jobs.quotas, services/assets/quota.py)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.quotas import WINDOW, plan_limits, submit_usage
from app.models import User
from app.schemas.usage import QuotaUsage, UsageRead
from app.services.assets import quota as asset_quota

OTHER_KINDS = "*"  # the plan's limit for each kind it does not name


async def usage_of(*, session: AsyncSession, user: User) -> UsageRead:
    """Used against limit for every quota of the user's plan."""
    limits = plan_limits(user.plan)
    counted = await submit_usage(session=session, user=user)
    assets, stored = await asset_quota.usage(session=session, user=user)
    quotas: list[QuotaUsage] = []
    for kind, limit in limits.submits_per_hour.items():
        if kind == OTHER_KINDS:
            # each unnamed kind has its own count; the one nearest its limit is shown
            others = [v for k, v in counted.recent.items() if k not in limits.submits_per_hour]
            used, oldest = max(others, default=(0, None), key=lambda v: v[0])
            label = "Other jobs submitted in the last hour (each kind)"
        else:
            used, oldest = counted.recent.get(kind, (0, None))
            label = f"{kind.capitalize()} jobs submitted in the last hour"
        quotas.append(QuotaUsage(name=f"submits_per_hour.{kind}", label=label, used=used,
                                 limit=limit, unit="submits", window="hour",
                                 frees_at=oldest + WINDOW if oldest else None))
    quotas += [
        QuotaUsage(name="max_waiting", label="Jobs waiting to start", used=counted.waiting,
                   limit=limits.max_waiting, unit="jobs", window="now"),
        QuotaUsage(name="max_running", label="Jobs running at once", used=counted.running,
                   limit=limits.max_running, unit="jobs", window="now"),
        QuotaUsage(name="max_assets", label="Uploaded files kept", used=assets,
                   limit=limits.max_assets, unit="assets", window="now"),
        QuotaUsage(name="max_asset_bytes", label="Storage for uploads", used=stored,
                   limit=limits.max_asset_bytes, unit="bytes", window="now"),
    ]
    return UsageRead(plan=user.plan, exempt=user.role == "admin", quotas=quotas)
