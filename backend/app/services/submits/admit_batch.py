"""One batch of video submits: claim their Idempotency-Keys (services/submits/admit_keys),
decide each under its owner's quota lock, insert the accepted jobs in one pipelined
statement, commit, then publish, mark `queued` and announce.

Every item gets its own answer: its job, or the first check it fails (unknown caller,
an asset that is missing or not its own or of another kind, a full queue, a plan limit),
exactly as services/videos.submit_video would have answered it alone. Items are decided
in arrival order, and an accepted item counts against the next item of the same user.
Once the insert has committed nothing raises: a publish or mark that fails leaves the
job `pending`, and the sweeper publishes it (as for any submit).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import redis.asyncio as aioredis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.core.config import settings
from app.core.errors import AppError
from app.jobs import fair_share
from app.jobs.broker import queue_depths
from app.jobs.committed import apublish_committed
from app.jobs.lifecycle import history_entry
from app.jobs.quotas import (
    WAITING,
    WINDOW,
    capped_priority,
    over_quota,
    queue_full,
    quota_lock_key,
)
from app.models import Job, JobState
from app.realtime import bus
from app.realtime.events import job_event
from app.services.assets.library import Usable
from app.services.submits import admit_keys, admit_sql
from app.services.submits.admit_sql import as_uuid
from app.services.submits.idempotency import conflict_error
from app.services.submits.videos import VideoWork, asset_error
from app.webhooks.webhooks import new_secret

log = logging.getLogger(__name__)

# committed submits that are (or are about to be) messages on the broker: an earlier
# batch's jobs stay `pending` until their publish is marked, after that batch's commit
_ON_BROKER = (JobState.PENDING.value, JobState.QUEUED.value)

@dataclass
class Item:
    user_id: uuid.UUID
    work: VideoWork
    kind: str
    future: asyncio.Future[tuple[Job, bool]]  # the job, and whether it is a key's replay
    key: str | None = None  # Idempotency-Key
    fingerprint: str = ""  # of the request, compared with the key's first


@dataclass(frozen=True)
class Replay:
    """The answer is the job the item's key created first."""

    job_id: uuid.UUID


class Later:
    """The item goes to the next batch (a second submit with a key of this batch)."""


Answer = AppError | uuid.UUID | Replay | Later


@dataclass(frozen=True)
class Owner:
    """What the batch needs of a submit's owner: role, plan, and whether they are active."""

    role: str
    plan: str
    is_active: bool


@dataclass
class Usage:
    """One user's counts under the lock, kept current as the batch accepts items."""

    recent: Counter[str]  # submits per kind in the quota window
    oldest: dict[str, datetime]
    waiting: int
    queued: int  # messages on the broker, every queue and priority (the fair share)
    top: int | None  # the most urgent of them


def unauthorized() -> AppError:
    return AppError("unauthorized", "missing or invalid credentials", 401,
                    headers={"WWW-Authenticate": "Bearer"})


async def admit_batch(*, engine: AsyncEngine, redis: aioredis.Redis,
                      items: list[Item]) -> list[Item]:
    """Answer every item of the batch (set each future), but those returned, which belong
    in the next batch; raises only before the commit."""
    queues = sorted({item.work.queue for item in items})
    # the queues' depths are read while the locks are taken
    depths = asyncio.ensure_future(queue_depths(redis, queues))
    try:
        async with engine.connect() as pooled:
            # the statements run on the asyncpg driver itself (admit_sql says why), in a
            # transaction of its own; SQLAlchemy's side of the connection is left idle
            raw = await pooled.get_raw_connection()
            conn: asyncpg.Connection = raw.driver_connection
            async with conn.transaction():
                keys = await admit_keys.claim_keys(conn, items)
                rows, answers = await _decide(conn, items, depths, keys)
                await admit_keys.release_keys(conn, [
                    (item.user_id, item.key, keys.job_ids[i]) for i, (item, answer)
                    in enumerate(zip(items, answers, strict=True))
                    if item.key is not None and i in keys.job_ids
                    and isinstance(answer, AppError)])
                if rows:
                    await admit_sql.insert_jobs(conn, rows)
                signing = {row["user_id"] for row in rows if row["callback_url"]}
                if signing:
                    await admit_sql.insert_signing_secrets(
                        conn, {u: new_secret() for u in signing}, datetime.now(UTC))
            jobs = {row["id"]: Job(**row) for row in rows}
            try:  # on the same connection: no second checkout on the way to the broker
                await _publish_and_announce(pooled, redis=redis, jobs=list(jobs.values()))
            except Exception:  # committed: answer with the jobs as stored; the sweeper heals
                log.exception("submit.after_commit_failed", extra={"size": len(jobs)})
            replayed = await _replayed(pooled, [a.job_id for a in answers
                                                if isinstance(a, Replay)])
    finally:
        if not depths.done():
            depths.cancel()
        elif not depths.cancelled():
            depths.exception()  # retrieved: a failure before _decide read it is not logged twice
    later: list[Item] = []
    for item, answer in zip(items, answers, strict=True):
        if item.future.done():
            continue
        if isinstance(answer, Later):
            later.append(item)
        elif isinstance(answer, AppError):
            item.future.set_exception(answer)
        elif isinstance(answer, Replay):
            job = replayed.get(answer.job_id)
            if job is None:  # deleted since, or not read: nothing was stored for it
                item.future.set_exception(AppError(
                    "unavailable", "the job could not be stored; submit again", 503,
                    headers={"Retry-After": "1"}))
            else:
                item.future.set_result((job, True))
        else:
            item.future.set_result((jobs[answer], False))
    return later


async def _replayed(conn: AsyncConnection, ids: list[uuid.UUID]) -> dict[uuid.UUID, Job]:
    """The jobs that keys replay, read whole (committed: each key's row was waited for).
    After the commit nothing raises: a failed read answers those replays 503."""
    if not ids:
        return {}
    try:
        async with AsyncSession(bind=conn, expire_on_commit=False) as session:
            found = list(await session.scalars(select(Job).where(Job.id.in_(ids))))
            session.expunge_all()
    except Exception:
        log.exception("submit.replay_read_failed", extra={"size": len(ids)})
        return {}
    return {job.id: job for job in found}


async def _decide(conn: asyncpg.Connection, items: list[Item],
                  pending_depths: Awaitable[dict[str, int]], keys: admit_keys.KeyClaims
                  ) -> tuple[list[dict[str, Any]], list[Answer]]:
    users = sorted({item.user_id for item in items})
    asset_ids = list({ref.asset_id for item in items for ref in item.work.refs})
    callers: dict[uuid.UUID, Owner] = {}
    owned: dict[uuid.UUID, tuple[uuid.UUID | None, Usable]] = {}
    for r in await conn.fetch(admit_sql.LOCK_AND_READ, [quota_lock_key(u) for u in users],
                              users, asset_ids):
        if r["what"] == "user":
            callers[as_uuid(r["id"])] = Owner(r["label"], r["plan"], r["flag"])
        else:
            owner = None if r["owner"] is None else as_uuid(r["owner"])
            owned[as_uuid(r["id"])] = (owner, Usable(r["label"], r["flag"]))
    usage = await _usage(conn, [u for u in users if u in callers])
    depths = Counter(await pending_depths)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    answers: list[Answer] = []
    for index, item in enumerate(items):
        caller = callers.get(item.user_id)
        if caller is None or not caller.is_active:
            answers.append(unauthorized())  # as the one-at-a-time path, before the key
            continue
        if index in keys.later:
            answers.append(Later())
            continue
        if index in keys.conflicts:
            answers.append(conflict_error())
            continue
        if index in keys.replays:
            answers.append(Replay(keys.replays[index]))
            continue
        error = _refusal(item, caller, owned, depths, usage.get(item.user_id))
        if error is not None:
            answers.append(error)
            continue
        assert caller is not None
        use = usage[item.user_id]
        work = item.work
        priority = capped_priority(plan=caller.plan, role=caller.role, priority=work.priority)
        held = fair_share.must_hold(use.queued, use.top, priority)
        use.recent[item.kind] += 1
        use.oldest.setdefault(item.kind, now)
        use.waiting += 1
        if not held:
            use.queued += 1
            use.top = max(priority, use.top if use.top is not None else priority)
            depths[work.queue] += 1
        row = _row(item, now=now, held=held, priority=priority,
                   job_id=keys.job_ids.get(index) or uuid.uuid4())
        rows.append(row)
        answers.append(row["id"])
    return rows, answers


def _refusal(item: Item, caller: Owner | None,
             owned: dict[uuid.UUID, tuple[uuid.UUID | None, Usable]],
             depths: Counter[str], use: Usage | None) -> AppError | None:
    """The first check `item` fails, in the order of the one-at-a-time path."""
    if caller is None or not caller.is_active or use is None:
        return unauthorized()
    for ref in item.work.refs:
        found = owned.get(ref.asset_id)
        # the caller's own asset or a shared library item (no owner)
        usable = found[1] if found and found[0] in (item.user_id, None) else None
        error = asset_error(ref, usable)
        if error is not None:
            return error
    queue = item.work.queue
    full = queue_full(queue, depths[queue])
    if full is not None or caller.role == "admin":
        return full
    return over_quota(plan=caller.plan, kind=item.kind, recent=use.recent[item.kind],
                      oldest=use.oldest.get(item.kind), waiting=use.waiting)


async def _usage(conn: asyncpg.Connection, users: list[uuid.UUID]) -> dict[uuid.UUID, Usage]:
    """Each user's window counts per kind, waiting jobs and queued messages: read after
    the locks are taken, so they include every committed submit of these users."""
    usage = {u: Usage(Counter(), {}, 0, 0, None) for u in users}
    if not users:
        return usage
    for r in await conn.fetch(admit_sql.USAGE, users, datetime.now(UTC) - WINDOW,
                              list(WAITING), settings.admission.FAIR_SHARE_PER_USER > 0,
                              list(_ON_BROKER)):
        use = usage[as_uuid(r["user_id"])]
        if r["what"] == "window":
            use.recent[r["kind"]] += r["n"]
            use.oldest[r["kind"]] = r["oldest"]
        elif r["what"] == "waiting":
            use.waiting += r["n"]
        else:
            use.queued, use.top = r["n"], r["top"]
    return usage


def _row(item: Item, *, now: datetime, held: bool, priority: int,
         job_id: uuid.UUID) -> dict[str, Any]:
    history = history_entry(JobState.PENDING)
    if held:
        history += history_entry(JobState.HELD)
    work = item.work
    return {
        "id": job_id, "user_id": item.user_id, "kind": item.kind,
        "task_name": work.task.value, "queue": work.queue, "priority": priority,
        "state": (JobState.HELD if held else JobState.PENDING).value, "params": work.params,
        "result": None, "error": None, "progress": 0.0, "stage": None, "history": history,
        "attempts": 0, "retries": 0, "attempt_log": [], "callback_url": work.callback_url,
        "created_at": now, "queued_at": None, "started_at": None, "finished_at": None,
    }


async def _publish_and_announce(conn: AsyncConnection, *, redis: aioredis.Redis,
                                jobs: list[Job]) -> None:
    # the share was decided at insert: held jobs are only announced
    events = await apublish_committed(conn, jobs, fair=False)
    await bus.publish_many(redis, events)


def _event(kind: str, job: Job) -> dict[str, Any]:
    return job_event(kind, job.id, state=job.state, kind=job.kind, queue=job.queue,
                     priority=job.priority)
