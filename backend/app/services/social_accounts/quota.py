"""Platform quota units spent per connected account per day (YouTube: 1,600 units a
`videos.insert`, 1 a list call, 10,000 a day by default, reset at midnight Pacific time).

A Redis counter per account and quota day, `social:quota:<account id>:<day>`, that expires
at the day's end. The publish job reserves an upload's units before it starts one (refused
when they would pass the daily budget) and settles the reservation with what the adapter
counted once the attempt ends, so two posts starting at once cannot both pass a budget
that holds one of them."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import redis
import redis.asyncio as aioredis

from app.core.config import settings
from app.publishing import youtube

QUOTA_DAY_ZONE = youtube.QUOTA_DAY_ZONE
KEY_PREFIX = "social:quota"
# add the units; take them back and answer -1 when the total passes the budget
_RESERVE = """
local used = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[1], ARGV[3])
if used > tonumber(ARGV[2]) then
  redis.call('DECRBY', KEYS[1], ARGV[1])
  return -1
end
return used
"""


@dataclass(frozen=True)
class Budget:
    upload_units: int  # what starting one upload costs
    daily_units: int


def budget_for(platform: str) -> Budget | None:
    """The platform's daily unit budget, or None for a platform that counts no units."""
    if platform == youtube.NAME:
        return Budget(youtube.INSERT_UNITS, settings.publishing.YOUTUBE_DAILY_QUOTA_UNITS)
    return None


def quota_day(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(QUOTA_DAY_ZONE).date()


def reset_at(now: datetime | None = None) -> datetime:
    """The next midnight Pacific time (in UTC), when the day's units start again."""
    day = quota_day(now) + timedelta(days=1)
    midnight = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(QUOTA_DAY_ZONE.key))
    return midnight.astimezone(UTC)


def quota_key(account_id: uuid.UUID, day: date) -> str:
    return f"{KEY_PREFIX}:{account_id}:{day.isoformat()}"


def reserve(client: redis.Redis, account_id: uuid.UUID, units: int, daily_units: int,
            now: datetime | None = None) -> bool:
    """Add `units` to today's count if the total stays within `daily_units`."""
    expires = math.ceil(reset_at(now).timestamp())
    used = client.eval(_RESERVE, 1, quota_key(account_id, quota_day(now)), units,
                       daily_units, expires)
    return int(used) >= 0


def add(client: redis.Redis, account_id: uuid.UUID, units: int,
        now: datetime | None = None) -> None:
    """Add (or, with a negative number, give back) units to today's count."""
    if units == 0:
        return
    key = quota_key(account_id, quota_day(now))
    with client.pipeline() as pipe:
        pipe.incrby(key, units)
        pipe.expireat(key, math.ceil(reset_at(now).timestamp()))
        pipe.execute()


def used_today(client: redis.Redis, account_id: uuid.UUID,
               now: datetime | None = None) -> int:
    return int(client.get(quota_key(account_id, quota_day(now))) or 0)


async def used_today_many(client: aioredis.Redis, account_ids: list[uuid.UUID],
                          now: datetime | None = None) -> dict[uuid.UUID, int]:
    """Today's units of each account (0 for one that spent none)."""
    if not account_ids:
        return {}
    day = quota_day(now)
    values = await client.mget([quota_key(a, day) for a in account_ids])
    return {a: int(v or 0) for a, v in zip(account_ids, values, strict=True)}
