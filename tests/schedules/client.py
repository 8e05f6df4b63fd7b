"""Schedules through the running API, as a client makes them."""

from __future__ import annotations

from typing import Any

from tests.support.fixtures import Account


def video_template(images: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """The smallest slideshow: quick to render on the test worker."""
    return {"kind": "video", "images": images, "seconds_per_image": 0.5,
            "transition": "none", "resolution": "1080x1080", "fps": 24, **fields}


def create_schedule(account: Account, images: dict[str, Any], *, cron: str = "0 7 * * *",
                    timezone: str = "Europe/Berlin", **fields: Any) -> dict[str, Any]:
    answer = account.client.post("/api/v1/schedules", json={
        "name": "memories", "cron": cron, "timezone": timezone,
        "template": video_template(images, **fields)})
    assert answer.status_code == 201, answer.text
    schedule: dict[str, Any] = answer.json()
    return schedule


def runs(account: Account, schedule_id: str) -> list[dict[str, Any]]:
    answer = account.client.get(f"/api/v1/schedules/{schedule_id}/runs")
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found
