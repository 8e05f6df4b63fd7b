"""Reading the broker: queue depth across every Redis priority list of a queue."""

from __future__ import annotations

import redis.asyncio as aioredis

from app.jobs.priority import REDIS_PRIORITY_STEPS

# Kombu's Redis transport keeps one list per priority step: the queue's name for step 0,
# name + "\x06\x16" + step for the others (kombu/transport/redis.py, Channel._q_for_pri).
PRIORITY_SEP = "\x06\x16"


def priority_lists(queue: str) -> list[str]:
    """Every Redis list that holds messages of `queue`, most urgent first."""
    return [queue if step == 0 else f"{queue}{PRIORITY_SEP}{step}"
            for step in REDIS_PRIORITY_STEPS]


async def queue_depths(client: aioredis.Redis, queues: list[str]) -> dict[str, int]:
    """Messages waiting per queue, all priority levels counted, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for queue in queues:
        for name in priority_lists(queue):
            pipe.llen(name)
    counts = await pipe.execute()
    steps = len(REDIS_PRIORITY_STEPS)
    return {queue: int(sum(counts[i * steps:(i + 1) * steps])) for i, queue in enumerate(queues)}
