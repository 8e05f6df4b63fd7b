"""Idempotency keys on the batched submit path: the key statements on real PostgreSQL
(a second item with a key of the same batch waits for the next batch, a committed key
replays or conflicts, a key past its day starts over, a refused submit's key is released),
and keyed submits through the API in bursts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from sqlalchemy import select, update

from app.core.config import settings
from app.core.db import sync_session
from app.models import IdempotencyKey
from app.services.submits.admit_keys import KeyClaims, claim_keys, release_keys
from tests.ops.rows import make_user
from tests.support.fixtures import Account
from tests.support.jobs import upload_images

SUBMIT = "/api/v1/tasks/submit/video"


@dataclass
class _Keyed:
    user_id: uuid.UUID
    key: str | None
    fingerprint: str


async def _claim(items: list[_Keyed], *, release: bool = False) -> KeyClaims:
    """claim_keys in a transaction of its own; the key rows it claimed point at jobs that
    are inserted here too (or, `release`, are released again), then it commits."""
    conn = await asyncpg.connect(settings.database.DATABASE_URL.replace("+asyncpg", "", 1))
    try:
        async with conn.transaction():
            claims = await claim_keys(conn, items)
            if release:
                await release_keys(conn, [(items[i].user_id, items[i].key or "", j)
                                          for i, j in claims.job_ids.items()])
            else:
                for index, job_id in claims.job_ids.items():
                    await conn.execute(
                        "INSERT INTO jobs (id, user_id, kind, task_name, queue, priority, "
                        "state, params, history, progress, attempts, retries, attempt_log, "
                        "created_at) VALUES ($1, $2, 'video', 'video.render', 'video', 5, "
                        "'succeeded', '{}', '[]', 1, 1, 0, '[]', now())",
                        job_id, items[index].user_id)
        return claims
    finally:
        await conn.close()


def _keys(user_id: uuid.UUID) -> dict[str, IdempotencyKey]:
    with sync_session() as session:
        rows = list(session.scalars(select(IdempotencyKey)
                                    .where(IdempotencyKey.user_id == user_id)))
        session.expunge_all()
    return {row.key: row for row in rows}


def test_the_key_statements_decide_each_item() -> None:
    user, other = make_user(), make_user()
    first = asyncio.run(_claim([_Keyed(user, "a", "h1"), _Keyed(user, "a", "h1"),
                                _Keyed(other, "a", "h1"), _Keyed(user, None, ""),
                                _Keyed(user, "b", "h2")]))
    assert set(first.job_ids) == {0, 2, 4} and first.later == {1}
    assert not first.replays and not first.conflicts
    stored = _keys(user)
    assert stored["a"].job_id == first.job_ids[0] and stored["b"].job_id == first.job_ids[4]
    assert _keys(other)["a"].job_id == first.job_ids[2]  # keys are per user

    again = asyncio.run(_claim([_Keyed(user, "a", "h1"), _Keyed(user, "b", "other body"),
                                _Keyed(user, "c", "h3")]))
    assert again.replays == {0: first.job_ids[0]} and again.conflicts == {1}
    assert set(again.job_ids) == {2} and not again.later

    with sync_session() as session:  # "a" is past its day: it starts over with a new job
        session.execute(update(IdempotencyKey).where(
            IdempotencyKey.user_id == user, IdempotencyKey.key == "a").values(
            created_at=datetime.now(UTC) - timedelta(hours=25)))
        session.commit()
    restarted = asyncio.run(_claim([_Keyed(user, "a", "a new body")]))
    assert set(restarted.job_ids) == {0} and restarted.job_ids[0] != first.job_ids[0]
    row = _keys(user)["a"]
    assert row.job_id == restarted.job_ids[0] and row.request_hash == "a new body"


def test_a_released_key_is_free_again() -> None:
    user = make_user()
    released = asyncio.run(_claim([_Keyed(user, "refused", "h")], release=True))
    assert set(released.job_ids) == {0} and "refused" not in _keys(user)
    claimed = asyncio.run(_claim([_Keyed(user, "refused", "h")]))
    assert set(claimed.job_ids) == {0} and _keys(user)["refused"].job_id == claimed.job_ids[0]


def _burst(account: Account, requests: list[tuple[str | None, dict[str, object]]]
           ) -> list[httpx.Response]:
    clients = [httpx.Client(base_url=str(account.client.base_url),
                            headers=dict(account.client.headers), timeout=30)
               for _ in requests]
    try:
        with ThreadPoolExecutor(len(requests)) as pool:
            return list(pool.map(
                lambda pair: pair[0].post(SUBMIT, json=pair[1][1], headers=(
                    {"Idempotency-Key": pair[1][0]} if pair[1][0] else {})),
                zip(clients, requests, strict=True)))
    finally:
        for client in clients:
            client.close()


def test_a_keyed_burst_mixes_new_replayed_conflicting_and_refused_submits(
        make_account: Callable[..., Account]) -> None:
    account = make_account()
    images = upload_images(account, 1)
    body = {"asset_ids": images, "transition": "none", "resolution": "1080x1080",
            "seconds_per_image": 0.5}
    missing = {**body, "asset_ids": [str(uuid.uuid4())]}
    answers = _burst(account, [("same", body), ("same", body), ("same", body),
                               ("twice", body), ("twice", {**body, "priority": 9}),
                               ("refused", missing), (None, body)])
    codes = [a.status_code for a in answers]
    assert sorted(codes[:3]) == [200, 200, 202], codes
    assert len({a.json()["id"] for a in answers[:3]}) == 1
    assert sorted(codes[3:5]) == [202, 409], codes  # whichever came first made the job
    assert codes[5] == 404 and answers[5].json()["error"]["field"] == "asset_ids.0"
    assert codes[6] == 202
    stored = _keys(uuid.UUID(account.user_id))
    assert set(stored) == {"same", "twice"}  # the refused submit's key was not kept
    assert stored["same"].job_id == uuid.UUID(answers[0].json()["id"])
    # one job per key that made one, and the unkeyed one: the replays stored nothing
    listed = account.client.get("/api/v1/tasks", params={"limit": 100}).json()["items"]
    assert len(listed) == 3
    retried = _burst(account, [("refused", body)])[0]  # the released key works now
    assert retried.status_code == 202
