"""The statements a batch of video submits runs, on the pooled connection's asyncpg driver.

A submit batch is the API's hottest path: through SQLAlchemy Core each statement cost
150-480 µs of API CPU (building, cache key, compile, expanding IN lists, result
processing) against about 60 µs as a prepared asyncpg statement, and eight of them ran per
batch. Here each is plain SQL with array parameters (asyncpg prepares it once per
connection), the three usage counts are one statement, and the rows go in with one
pipelined `executemany`. The rules stay those of `app.jobs.quotas` and `app.jobs.fair_share`
(same window, same waiting states, segments left out), checked by the same tests.

JSON columns travel as text: SQLAlchemy's asyncpg dialect registers json/jsonb codecs that
pass serialised text both ways.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import asyncpg

from app.jobs.names import SEGMENT_KIND

# The batch's callers and the assets its items name, read in the statement that takes the
# callers' quota locks (keys in sorted order, so batches never wait on each other in a
# cycle; a key of an unknown caller locks nothing anyone else takes). A user's row
# carries (role, plan, active), an asset's (kind, retired, owner).
LOCK_AND_READ = """
WITH locked AS (SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) AS n
                FROM unnest($1::text[]) AS k)
SELECT 'user' AS what, u.id, u.role AS label, u.plan, u.is_active AS flag,
       NULL::uuid AS owner
FROM users AS u, locked WHERE u.id = ANY($2::uuid[])
UNION ALL
SELECT 'asset', a.id, a.kind, NULL, a.retired_at IS NOT NULL, a.user_id
FROM assets AS a, locked WHERE a.id = ANY($3::uuid[])
"""

# One row per (what, user[, kind]): 'window' submits per kind in the quota window (jobs
# created and retries made since $2), 'waiting' jobs, and 'queued' messages on the broker
# with their highest priority (the fair share). Read after the lock, so every committed
# submit of these users is seen.
USAGE = f"""
SELECT 'window' AS what, s.user_id, s.kind, count(*) AS n, min(s.at) AS oldest,
       NULL::int AS top
FROM (SELECT user_id, kind, created_at AS at FROM jobs
      WHERE user_id = ANY($1::uuid[]) AND created_at > $2
      UNION ALL
      SELECT user_id, kind, created_at FROM resubmits
      WHERE user_id = ANY($1::uuid[]) AND created_at > $2) AS s
GROUP BY s.user_id, s.kind
UNION ALL
SELECT 'waiting', user_id, NULL, count(*), NULL, NULL FROM jobs
WHERE user_id = ANY($1::uuid[]) AND state = ANY($3::text[]) AND kind <> '{SEGMENT_KIND}'
GROUP BY user_id
UNION ALL
SELECT 'queued', user_id, NULL, count(*), NULL, max(priority) FROM jobs
WHERE $4 AND user_id = ANY($1::uuid[]) AND state = ANY($5::text[])
GROUP BY user_id
"""

JOB_COLUMNS = ("id", "user_id", "kind", "task_name", "queue", "priority", "state", "params",
               "result", "error", "progress", "stage", "history", "attempts", "retries",
               "attempt_log", "callback_url", "created_at", "queued_at", "started_at",
               "finished_at")
JSON_COLUMNS = frozenset({"params", "result", "error", "history", "attempt_log"})
INSERT_JOB = (f"INSERT INTO jobs ({', '.join(JOB_COLUMNS)}) VALUES ("
              + ", ".join(f"${i}" for i in range(1, len(JOB_COLUMNS) + 1)) + ")")

SIGNING_SECRETS = ("INSERT INTO webhook_secrets (user_id, secret, created_at) "
                   "SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) "
                   "ON CONFLICT (user_id) DO NOTHING")


def as_uuid(value: Any) -> uuid.UUID:
    """asyncpg's UUID as the standard library's (equal, but not the same type)."""
    return value if type(value) is uuid.UUID else uuid.UUID(bytes=value.bytes)


def job_record(row: dict[str, Any]) -> tuple[Any, ...]:
    # None goes in as JSON null, as SQLAlchemy's JSONB (none_as_null=False) wrote it
    return tuple(json.dumps(row[c]) if c in JSON_COLUMNS else row[c] for c in JOB_COLUMNS)


async def insert_jobs(conn: asyncpg.Connection, rows: Iterable[dict[str, Any]]) -> None:
    await conn.executemany(INSERT_JOB, [job_record(row) for row in rows])


async def insert_signing_secrets(conn: asyncpg.Connection,
                                 secrets: dict[uuid.UUID, str], at: datetime) -> None:
    users = list(secrets)
    await conn.execute(SIGNING_SECRETS, users, [secrets[u] for u in users], [at] * len(users))
