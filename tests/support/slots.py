"""A private slot per test run (database name + Redis db) so parallel runs never collide.

Two runs sharing one Redis db would consume each other's Celery messages, and sharing
one database would drop it under each other's feet.
"""

from __future__ import annotations

import os

import redis

LOCAL_REDIS = "redis://127.0.0.1:6379/0"
SLOTS = range(1, 16)
SLOT_TTL_S = 3 * 3600


def claim_slot() -> int | None:
    """Reserve a free slot on the local Redis, or None when it is not running."""
    try:
        client = redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1, socket_timeout=2)
        for slot in SLOTS:
            if client.set(f"reelforge:test-slot:{slot}", os.getpid(), nx=True, ex=SLOT_TTL_S):
                return slot
    except (redis.RedisError, OSError):
        return None
    raise RuntimeError("all test slots are taken; stale ones expire after three hours")


def release_slot(slot: int) -> None:
    client = redis.Redis.from_url(LOCAL_REDIS, socket_connect_timeout=1, socket_timeout=2)
    if client.get(f"reelforge:test-slot:{slot}") == str(os.getpid()).encode():
        client.delete(f"reelforge:test-slot:{slot}")


def export_slot(slot: int) -> None:
    os.environ["REELFORGE_TEST_DATABASE"] = f"reelforge_test_{slot}"
    os.environ["REELFORGE_TEST_REDIS_URL"] = f"redis://127.0.0.1:6379/{slot}"
