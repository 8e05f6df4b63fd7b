"""GET /auth/usage: the plan's quotas with what the quota checks count, moving as the
account submits and uploads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from app.core.config import settings
from tests.support.fixtures import Account, promote_to_admin
from tests.support.jobs import upload_images

ULTRA = {"timeline": {"scenes": [{"kind": "card", "duration_s": 1}],
                      "output": {"quality": "ultra"}}}


def _quotas(account: Account) -> dict[str, dict[str, Any]]:
    answer = account.client.get("/api/v1/auth/usage")
    assert answer.status_code == 200, answer.text
    return {q["name"]: q for q in answer.json()["quotas"]}


def test_usage_follows_submits_and_uploads(make_account: Callable[..., Account]) -> None:
    account = make_account("free")
    plan = settings.admission.PLANS["free"]
    before = account.client.get("/api/v1/auth/usage").json()
    assert before["plan"] == "free" and before["exempt"] is False
    quotas = {q["name"]: q for q in before["quotas"]}
    assert set(quotas) == {"submits_per_hour.video", "submits_per_hour.*", "max_waiting",
                           "max_running", "max_assets", "max_asset_bytes"}
    video = quotas["submits_per_hour.video"]
    assert (video["used"], video["limit"], video["unit"], video["window"]) == (
        0, plan.submits_for("video"), "submits", "hour")
    assert video["frees_at"] is None
    assert quotas["max_running"]["limit"] == plan.max_running
    assert quotas["max_asset_bytes"]["limit"] == plan.max_asset_bytes

    images = upload_images(account, 2)
    # a 4K timeline goes to the gpu queue, which no worker of the test session consumes:
    # the job stays waiting while the usage is read
    answer = account.client.post("/api/v1/tasks/submit/video", json=ULTRA)
    assert answer.status_code == 202, answer.text
    job = answer.json()
    after = _quotas(account)
    assert after["submits_per_hour.video"]["used"] == 1
    frees_at = datetime.fromisoformat(after["submits_per_hour.video"]["frees_at"])
    assert frees_at > datetime.fromisoformat(job["created_at"])
    assert (after["max_waiting"]["used"], after["max_running"]["used"]) == (1, 0)
    assert after["max_assets"]["used"] == 2
    stored = sum(a["size_bytes"] for a in account.client.get("/api/v1/assets").json()
                 if a["id"] in images)
    assert after["max_asset_bytes"]["used"] == stored > 0


def test_admins_are_marked_exempt(account: Account) -> None:
    promote_to_admin(account.user_id)
    assert account.client.get("/api/v1/auth/usage").json()["exempt"] is True
