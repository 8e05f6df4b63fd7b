"""Redis memory held by per-user event streams, per 1,000 active users.

Publishes job events through `app.realtime.bus.publish_many` (the API's call; workers run
the same Lua script) for 1,000 users, N events each, into a Redis db of its own, then sums
`MEMORY USAGE` over the user streams (exact, SAMPLES 0) and reads `used_memory` before and
after (the whole server: other clients of the same Redis add noise). N runs 10, 100 and
EVENT_STREAM_MAXLEN (a stream at its cap). Each stream also carries a TTL of
EVENT_STREAM_IDLE_TTL_S, so an idle user's memory comes back a day later at the latest.

    python benchmarks/event_stream_memory.py [--users 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import uuid
from typing import Any

import redis
import redis.asyncio as aioredis
from stats_latency import redis_db

from app.core.config import settings
from app.realtime.bus import FIREHOSE, publish_many, user_stream
from app.realtime.events import job_event

BATCH = 2000  # events per pipeline round trip


def progress_events(user_ids: list[uuid.UUID], per_user: int
                    ) -> list[tuple[uuid.UUID | str, dict[str, Any]]]:
    """Events shaped like a render's progress: one job per user, ticks in order."""
    jobs = {user: uuid.uuid4() for user in user_ids}
    return [(user, job_event("job.progress", jobs[user], progress=round(n / per_user, 3),
                             stage="render"))
            for n in range(per_user) for user in user_ids]


async def publish_all(url: str, events: list[tuple[uuid.UUID | str, dict[str, Any]]]) -> None:
    client = aioredis.Redis.from_url(url)
    try:
        for start in range(0, len(events), BATCH):
            await publish_many(client, events[start:start + BATCH])
    finally:
        await client.aclose()


def measure(url: str, users: int, per_user: int) -> dict[str, float]:
    with redis.Redis.from_url(url) as client:
        client.flushdb()
        before = int(client.info("memory")["used_memory"])
        user_ids = [uuid.uuid4() for _ in range(users)]
        asyncio.run(publish_all(url, progress_events(user_ids, per_user)))
        after = int(client.info("memory")["used_memory"])
        keys = [user_stream(u) for u in user_ids]
        streams = sum(int(client.memory_usage(k, samples=0) or 0) for k in keys)
        expiring = sum(1 for k in keys if int(client.ttl(k)) > 0)
        kept = sum(int(client.xlen(k)) for k in keys)
        firehose = int(client.memory_usage(FIREHOSE, samples=0) or 0)
    return {"streams": streams, "kept": kept, "expiring": expiring,
            "used_delta": after - before, "firehose": firehose}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    realtime = settings.realtime
    print(f"{args.users} users; EVENT_STREAM_MAXLEN={realtime.EVENT_STREAM_MAXLEN}, "
          f"EVENT_STREAM_MAX_AGE_S={realtime.EVENT_STREAM_MAX_AGE_S}, "
          f"EVENT_STREAM_IDLE_TTL_S={realtime.EVENT_STREAM_IDLE_TTL_S}")
    print(f"{'events/user':>11} {'kept':>9} {'streams MiB':>12} {'per user KiB':>13} "
          f"{'per event B':>12} {'used_memory +MiB':>17} {'with TTL':>9}")
    with redis_db() as url:
        for per_user in (10, 100, realtime.EVENT_STREAM_MAXLEN):
            got = measure(url, args.users, per_user)
            print(f"{per_user:>11} {got['kept']:>9,.0f} {got['streams'] / 2**20:>12.2f} "
                  f"{got['streams'] / args.users / 1024:>13.1f} "
                  f"{got['streams'] / max(got['kept'], 1):>12.0f} "
                  f"{got['used_delta'] / 2**20:>17.2f} {got['expiring']:>9,.0f}")
        print(f"(the shared firehose, capped at FIREHOSE_MAXLEN={realtime.FIREHOSE_MAXLEN}, "
              f"held {got['firehose'] / 2**20:.1f} MiB after the last run)")


if __name__ == "__main__":
    main()
