"""Idempotency keys in a submit batch, under the rules of services/submits/idempotency.

The batch's keys go in first, with one statement, in (user, key) order (so two batches
never wait on each other's keys in a cycle; the quota locks come after the keys on every
path). A key already committed is locked and read: within its day and with the same
request fingerprint it replays the first job, with another it is a conflict, past its day
it starts over with the new job. A second item with the same key in one batch waits for
the next batch, where it finds the first one's outcome. A claimed key whose submit is then
refused is deleted in the same transaction, as the one-at-a-time path's rollback drops it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import asyncpg

from app.services.submits.admit_sql import as_uuid
from app.services.submits.idempotency import KEY_TTL

CLAIM_KEYS = """
INSERT INTO idempotency_keys (id, user_id, key, request_hash, job_id, created_at)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[],
                     $6::timestamptz[]) AS v(id, user_id, key, request_hash, job_id, created_at)
ORDER BY v.user_id, v.key
ON CONFLICT ON CONSTRAINT uq_idempotency_keys_user_key DO NOTHING
RETURNING user_id, key
"""

# Every conflict found by CLAIM_KEYS is with a committed row (the insert waited for it).
LOCK_KEYS = """
SELECT k.user_id, k.key, k.request_hash, k.job_id, k.created_at FROM idempotency_keys AS k
JOIN unnest($1::uuid[], $2::text[]) AS v(user_id, key)
  ON k.user_id = v.user_id AND k.key = v.key
ORDER BY k.user_id, k.key
FOR UPDATE OF k
"""

RESTART_KEYS = """
UPDATE idempotency_keys AS k SET request_hash = v.request_hash, job_id = v.job_id,
                                 created_at = v.created_at
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[])
     AS v(user_id, key, request_hash, job_id, created_at)
WHERE k.user_id = v.user_id AND k.key = v.key
"""

RELEASE_KEYS = """
DELETE FROM idempotency_keys AS k
USING unnest($1::uuid[], $2::text[], $3::uuid[]) AS v(user_id, key, job_id)
WHERE k.user_id = v.user_id AND k.key = v.key AND k.job_id = v.job_id
"""


class Keyed(Protocol):
    user_id: uuid.UUID
    key: str | None
    fingerprint: str


@dataclass
class KeyClaims:
    """What the keys decided, by the item's index in the batch."""

    job_ids: dict[int, uuid.UUID] = field(default_factory=dict)  # claimed: the new job's id
    replays: dict[int, uuid.UUID] = field(default_factory=dict)  # the job the key made first
    conflicts: set[int] = field(default_factory=set)  # used with another request
    later: set[int] = field(default_factory=set)  # for the next batch


async def claim_keys(conn: asyncpg.Connection, items: Sequence[Keyed]) -> KeyClaims:
    out = KeyClaims()
    first: dict[tuple[uuid.UUID, str], int] = {}
    for index, item in enumerate(items):
        if item.key is None:
            continue
        if (item.user_id, item.key) in first:
            out.later.add(index)
        else:
            first[(item.user_id, item.key)] = index
    if not first:
        return out
    now = datetime.now(UTC)
    pairs = list(first)
    out.job_ids = {first[pair]: uuid.uuid4() for pair in pairs}
    claimed = {(as_uuid(r["user_id"]), r["key"]) for r in await conn.fetch(
        CLAIM_KEYS, [uuid.uuid4() for _ in pairs], [u for u, _ in pairs],
        [k for _, k in pairs], [items[first[p]].fingerprint for p in pairs],
        [out.job_ids[first[p]] for p in pairs], [now] * len(pairs))}
    taken = [pair for pair in pairs if pair not in claimed]
    if not taken:
        return out
    held = {(as_uuid(r["user_id"]), r["key"]): r for r in await conn.fetch(
        LOCK_KEYS, [u for u, _ in taken], [k for _, k in taken])}
    restart: list[tuple[uuid.UUID, str]] = []
    for pair in taken:
        index = first[pair]
        job_id = out.job_ids.pop(index)
        row = held.get(pair)
        if row is None:  # deleted since the insert saw it: the next batch claims it anew
            out.later.add(index)
        elif row["created_at"] <= now - KEY_TTL:
            restart.append(pair)
            out.job_ids[index] = job_id
        elif row["request_hash"] != items[index].fingerprint:
            out.conflicts.add(index)
        else:
            out.replays[index] = as_uuid(row["job_id"])
    if restart:
        await conn.execute(RESTART_KEYS, [u for u, _ in restart], [k for _, k in restart],
                           [items[first[p]].fingerprint for p in restart],
                           [out.job_ids[first[p]] for p in restart], [now] * len(restart))
    return out


async def release_keys(conn: asyncpg.Connection,
                       released: Sequence[tuple[uuid.UUID, str, uuid.UUID]]) -> None:
    """Delete the key rows of refused submits: (user, key, the job id it named)."""
    if released:
        await conn.execute(RELEASE_KEYS, [u for u, _, _ in released],
                           [k for _, k, _ in released], [j for _, _, j in released])
