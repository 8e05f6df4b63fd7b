"""Helpers for tests that submit jobs and inspect their rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.support.fixtures import Account
from tests.support.media import image_bytes


def upload_images(account: Account, count: int, size: tuple[int, int] = (640, 360)) -> list[str]:
    colors = [(200, 40, 40), (40, 200, 40), (40, 40, 200), (200, 200, 40)]
    return [account.upload(image_bytes(colors[i % len(colors)], size), f"{i}.png").json()["id"]
            for i in range(count)]


def submit(account: Account, images: list[str], **fields: Any) -> dict[str, Any]:
    body = {"asset_ids": images, "transition": "none", "resolution": "1080x1080",
            "fps": 24, **fields}
    answer = account.client.post("/api/v1/tasks/submit/video", json=body)
    assert answer.status_code == 202, answer.text
    job: dict[str, Any] = answer.json()
    return job


def started_at(job: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(job["started_at"])
