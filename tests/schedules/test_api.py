"""Schedules over HTTP: create, read, change, pause, delete; validation; owner only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.schedules.client import create_schedule, video_template
from tests.support.fixtures import Account
from tests.support.jobs import upload_images
from tests.support.media import tone_wav

RECENT = {"source": "recent", "since": "P1D"}


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _post(account: Account, **fields: Any) -> Any:
    body = {"name": "memories", "cron": "0 7 * * *", "timezone": "Europe/Berlin",
            "template": video_template(RECENT), **fields}
    return account.client.post("/api/v1/schedules", json=body)


def test_create_read_list_and_delete(account: Account) -> None:
    created = create_schedule(account, RECENT)
    assert created["enabled"] is True and created["kind"] == "video"
    assert created["template"]["images"] == {"source": "recent", "since": "P1D",
                                             "max_images": 50}
    next_at = datetime.fromisoformat(created["next_fire_at"])
    assert next_at > datetime.now(UTC)
    assert next_at.astimezone(ZoneInfo("Europe/Berlin")).time() == time(7, 0)
    assert created["last_fire_at"] is None

    path = f"/api/v1/schedules/{created['id']}"
    assert account.client.get(path).json() == created
    assert [s["id"] for s in account.client.get("/api/v1/schedules").json()] == [created["id"]]
    assert account.client.get(f"{path}/runs").json() == []

    assert account.client.delete(path).status_code == 204
    assert account.client.get(path).status_code == 404
    assert account.client.get("/api/v1/schedules").json() == []


def test_pause_resume_and_changes(account: Account) -> None:
    created = create_schedule(account, RECENT)
    path = f"/api/v1/schedules/{created['id']}"

    paused = account.client.patch(path, json={"enabled": False}).json()
    assert paused["enabled"] is False and paused["next_fire_at"] is None
    resumed = account.client.patch(path, json={"enabled": True}).json()
    next_at = datetime.fromisoformat(resumed["next_fire_at"])  # counted again from now
    assert next_at >= datetime.fromisoformat(created["next_fire_at"])
    assert next_at.astimezone(ZoneInfo("Europe/Berlin")).time() == time(7, 0)

    renamed = account.client.patch(path, json={"name": "daily"}).json()
    assert renamed["name"] == "daily" and renamed["next_fire_at"] == resumed["next_fire_at"]
    assert _at(renamed["updated_at"]) > _at(created["updated_at"])

    moved = account.client.patch(path, json={"cron": "30 21 * * *",
                                             "timezone": "Asia/Tokyo"}).json()
    tokyo = _at(moved["next_fire_at"]).astimezone(ZoneInfo("Asia/Tokyo"))
    assert (moved["cron"], tokyo.time()) == ("30 21 * * *", time(21, 30))

    images = upload_images(account, 2)
    fixed = {"source": "assets", "asset_ids": images}
    changed = account.client.patch(path, json={"template": video_template(fixed, fps=30)})
    assert changed.status_code == 200, changed.text
    assert changed.json()["template"]["images"] == fixed
    assert changed.json()["template"]["fps"] == 30
    assert account.client.patch(path).json() == changed.json()  # no body: nothing changes


@pytest.mark.parametrize(("fields", "field"), [
    ({"cron": "0 7 * *"}, "cron"),
    ({"cron": "0 25 * * *"}, "cron"),
    ({"cron": "0 0 30 2 *"}, "cron"),
    ({"cron": "R 7 * * *"}, "cron"),
    ({"timezone": "Europe/Atlantis"}, "timezone"),
    ({"timezone": "+02:00"}, "timezone"),
    ({"name": ""}, "name"),
    ({"template": video_template({"source": "recent", "since": "PT10S"})},
     "template.images.recent.since"),
    ({"template": video_template({"source": "assets", "asset_ids": []})},
     "template.images.assets.asset_ids"),
    ({"template": video_template(RECENT, transition="fade", transition_s=1.0)},
     "template.transition_s"),
    ({"template": {**video_template(RECENT), "kind": "workflow"}}, "template.kind"),
    ({"surprise": 1}, "surprise"),
])
def test_invalid_fields_are_named(account: Account, fields: dict[str, Any], field: str) -> None:
    answer = _post(account, **fields)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field, answer.json()


def test_invalid_changes_are_named(account: Account) -> None:
    path = f"/api/v1/schedules/{create_schedule(account, RECENT)['id']}"
    for body, field in (({"cron": "every day"}, "cron"), ({"timezone": "Nowhere"}, "timezone"),
                        ({"enabled": "perhaps"}, "enabled")):
        answer = account.client.patch(path, json=body)
        assert answer.status_code == 422 and answer.json()["error"]["field"] == field


def test_assets_must_be_your_own_and_of_the_right_kind(
        make_account: Callable[..., Account]) -> None:
    owner, other = make_account(), make_account()
    mine, theirs = upload_images(owner, 1), upload_images(other, 1)
    answer = _post(owner, template=video_template(
        {"source": "assets", "asset_ids": [*mine, *theirs]}))
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "template.images.asset_ids.1"
    answer = _post(owner, template=video_template(
        {"source": "assets", "asset_ids": [str(uuid.uuid4())]}))
    assert answer.status_code == 404
    audio = owner.upload(tone_wav(0.6), "tone.wav", "audio").json()["id"]
    answer = _post(owner, template=video_template(
        {"source": "assets", "asset_ids": [audio]}))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "wrong_asset_kind"
    answer = _post(owner, template=video_template(RECENT, audio_asset_id=mine[0]))
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "template.audio_asset_id"
    assert _post(owner, template=video_template(RECENT, audio_asset_id=audio)).status_code == 201


def test_another_users_schedule_reads_as_not_found(make_account: Callable[..., Account]) -> None:
    owner, other = make_account(), make_account()
    schedule_id = create_schedule(owner, RECENT)["id"]
    path = f"/api/v1/schedules/{schedule_id}"
    for method, url, body in (("GET", path, None), ("GET", f"{path}/runs", None),
                              ("PATCH", path, {"enabled": False}), ("PATCH", path, None),
                              ("DELETE", path, None)):
        answer = other.client.request(method, url, json=body)
        assert answer.status_code == 404, (method, url, answer.text)
        assert answer.json()["error"]["field"] == "schedule_id"
    assert other.client.get("/api/v1/schedules").json() == []
    assert owner.client.get(path).json()["enabled"] is True  # untouched
    anonymous = owner.client.get(path, headers={"Authorization": ""})
    assert anonymous.status_code == 401


def test_a_user_has_a_bounded_number_of_schedules(account: Account) -> None:
    from app.core.config import settings

    for _ in range(settings.schedules.SCHEDULE_MAX_PER_USER):
        assert _post(account).status_code == 201
    answer = _post(account)
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "too_many_schedules"
