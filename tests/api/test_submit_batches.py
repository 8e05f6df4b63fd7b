"""Concurrent video submits, which the API admits in shared batches: each request keeps its
own answer, the plan limits stay exact and fair share holds the right jobs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from tests.support.fixtures import Account, set_active
from tests.support.jobs import upload_images

SUBMIT = "/api/v1/tasks/submit/video"
MISSING = "00000000-0000-0000-0000-000000000000"
# A card-only 4K timeline: no assets, and it goes to the gpu queue, which no session worker
# consumes, so which jobs are queued and which held stays as the API left it.
ULTRA = {"timeline": {"scenes": [{"kind": "card", "duration_s": 1}],
                      "output": {"quality": "ultra"}}}


def _slideshow(images: list[str], **fields: Any) -> dict[str, Any]:
    return {"asset_ids": images, "transition": "none", "resolution": "1080x1080",
            "seconds_per_image": 0.5, **fields}


def _burst(jobs: list[tuple[Account, dict[str, Any]]]) -> list[httpx.Response]:
    """Send every (account, body) submit at once, each on its own connection."""
    clients = [httpx.Client(base_url=str(account.client.base_url),
                            headers=dict(account.client.headers), timeout=30)
               for account, _ in jobs]
    try:
        with ThreadPoolExecutor(len(jobs)) as pool:
            return list(pool.map(lambda pair: pair[0].post(SUBMIT, json=pair[1][1]),
                                 zip(clients, jobs, strict=True)))
    finally:
        for client in clients:
            client.close()


def _rows(account: Account) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = account.client.get(
        "/api/v1/tasks", params={"limit": 100}).json()["items"]
    return items


def test_plan_limits_stay_exact_under_concurrent_submits(
        make_account: Callable[..., Account]) -> None:
    users = [make_account(plan="free") for _ in range(3)]  # five videos an hour each
    images = {u.user_id: upload_images(u, 1) for u in users}
    answers = _burst([(u, _slideshow(images[u.user_id])) for u in users for _ in range(8)])
    per_user: dict[str, Counter[int]] = {u.user_id: Counter() for u in users}
    senders = [u for u in users for _ in range(8)]
    for user, answer in zip(senders, answers, strict=True):
        per_user[user.user_id][answer.status_code] += 1
        if answer.status_code == 429:
            assert answer.json()["error"]["code"] == "rate_limited"
            assert int(answer.headers["Retry-After"]) > 0
    for user in users:
        assert per_user[user.user_id] == Counter({202: 5, 429: 3})
        assert len(_rows(user)) == 5  # nothing stored for a refused submit


def test_each_request_of_a_batch_gets_its_own_error(
        make_account: Callable[..., Account]) -> None:
    owner, other = make_account(), make_account()
    mine, theirs = upload_images(owner, 1), upload_images(other, 1)
    cases = [
        (_slideshow(mine), 202, None),
        (_slideshow([MISSING]), 404, "asset_ids.0"),
        (_slideshow(theirs), 404, "asset_ids.0"),  # another user's asset reads as unknown
        (_slideshow(mine, audio_asset_id=mine[0]), 422, "audio_asset_id"),  # not audio
        (_slideshow([mine[0], MISSING]), 404, "asset_ids.1"),
        (_slideshow(mine, priority=9), 202, None),
    ]
    answers = _burst([(owner, body) for body, _, _ in cases] * 3)
    for (_, status, field), answer in zip(cases * 3, answers, strict=True):
        assert answer.status_code == status, answer.text
        if field is not None:
            assert answer.json()["error"]["field"] == field
        else:
            job = answer.json()
            assert job["state"] in {"queued", "held", "started", "progress", "succeeded"}
            assert [h["state"] for h in job["history"]][0] == "pending"
    assert len(_rows(owner)) == 6  # the six accepted, and nothing of the twelve refused
    assert _rows(other) == []


def test_fair_share_holds_all_but_one_of_a_burst(make_account: Callable[..., Account]) -> None:
    account = make_account()
    answers = _burst([(account, ULTRA)] * 6)
    try:
        assert [a.status_code for a in answers] == [202] * 6
        states = Counter(a.json()["state"] for a in answers)
        assert states == Counter({"queued": 1, "held": 5})  # FAIR_SHARE_PER_USER = 1
        for answer in answers:
            job = answer.json()
            assert job["queue"] == "gpu"
            assert [h["state"] for h in job["history"]] == ["pending", job["state"]]
            row = account.client.get(f"/api/v1/tasks/{job['id']}").json()
            assert row["state"] == job["state"] and row["history"] == job["history"]
        urgent = account.client.post(SUBMIT, json={**ULTRA, "priority": 9})
        assert urgent.json()["state"] == "queued"  # more urgent than all it has queued
        answers.append(urgent)
    finally:
        for answer in answers:
            account.client.delete(f"/api/v1/tasks/{answer.json()['id']}")


def test_unknown_or_inactive_callers_are_refused(make_account: Callable[..., Account]) -> None:
    account = make_account()
    images = upload_images(account, 1)
    set_active(account.user_id, False)
    answer = account.client.post(SUBMIT, json=_slideshow(images))
    assert answer.status_code == 401
    assert _count_jobs_in_db(account.user_id) == 0


def _count_jobs_in_db(user_id: str) -> int:
    from sqlalchemy import create_engine, func, select

    from app.core.config import settings
    from app.models import Job

    engine = create_engine(settings.database.sync_url)
    try:
        with engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(Job)
                                   .where(Job.user_id == user_id)) or 0)
    finally:
        engine.dispose()
