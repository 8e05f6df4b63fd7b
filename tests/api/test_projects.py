"""Projects: CRUD by id or number, isolation, numbering under concurrent creates, and the
brand kit's asset checks (own uploads or shared library items, of the right kind)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx
from sqlalchemy import create_engine, update

from app.core.config import settings
from app.models import Asset
from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav

P = "/api/v1/projects"


def _asset(account: Account, kind: str) -> str:
    content, name = ((image_bytes((10, 200, 90)), "logo.png") if kind == "image"
                     else (tone_wav(1.0), "bed.wav"))
    answer = account.upload(content, name)
    assert answer.status_code == 201, answer.text
    asset_id: str = answer.json()["id"]
    return asset_id


def _set_asset(asset_id: str, **values: object) -> None:
    """Turn an upload into a shared library item (no owner), or retire it."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.begin() as conn:
            conn.execute(update(Asset).where(Asset.id == uuid.UUID(asset_id)).values(**values))
    finally:
        engine.dispose()


def test_create_read_update_delete_by_number_and_id(account: Account) -> None:
    client = account.client
    created = client.post(P, json={
        "name": "Tea facts", "topic": "the history of tea", "target_audience": "tea lovers",
        "tone": "funny", "language": "en", "voice": {"voice": "en-gb", "rate_wpm": 150},
        "platforms": ["youtube", "tiktok", "youtube"],
        "brand": {"colors": {"primary": "#112233"}, "captions": {"style": "boxed"}}})
    assert created.status_code == 201, created.text
    first = created.json()
    assert first["number"] == 1 and first["audience"] == "tea lovers"
    assert first["platforms"] == ["youtube", "tiktok"]
    assert first["voice"] == {"provider": None, "voice": "en-gb", "rate_wpm": 150}
    assert first["brand"]["colors"]["primary"] == "#112233"
    second = client.post(P, json={"name": "Coffee"}).json()
    assert second["number"] == 2

    assert client.get(f"{P}/1").json()["id"] == first["id"]
    assert client.get(f"{P}/{first['id']}").json()["number"] == 1
    assert [p["number"] for p in client.get(P).json()] == [1, 2]
    for missing in ("3", str(uuid.uuid4()), "not-a-project"):
        answer = client.get(f"{P}/{missing}")
        assert answer.status_code == 404, answer.text

    changed = client.patch(f"{P}/1", json={"name": "Tea", "audience": None,
                                           "voice": {"voice": "en-us"}})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["name"] == "Tea" and body["audience"] is None
    assert body["voice"]["voice"] == "en-us" and body["topic"] == "the history of tea"
    assert body["updated_at"] > first["updated_at"]

    deleted = client.delete(f"{P}/1")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["number"] == 1
    assert client.get(f"{P}/1").status_code == 404
    # numbers continue after the highest held; project 2 keeps its number
    assert client.post(P, json={"name": "Tea again"}).json()["number"] == 3
    assert client.get(f"{P}/2").json()["name"] == "Coffee"
    # and a deleted highest number is not handed out again: an old reference never moves
    assert client.delete(f"{P}/3").status_code == 200
    assert client.post(P, json={"name": "Tea thrice"}).json()["number"] == 4
    assert client.get(f"{P}/3").status_code == 404


def test_duplicate_names_and_bad_fields_name_the_field(account: Account) -> None:
    client = account.client
    assert client.post(P, json={"name": "Series"}).status_code == 201
    assert client.post(P, json={"name": "Other"}).status_code == 201
    again = client.post(P, json={"name": "Series"})
    assert again.status_code == 409 and again.json()["error"]["field"] == "name"
    rename = client.patch(f"{P}/2", json={"name": "Series"})
    assert rename.status_code == 409 and rename.json()["error"]["field"] == "name"
    for body, field in (({"name": "x", "tone": "angry"}, "tone"),
                        ({"name": "x", "language": "english"}, "language"),
                        ({"name": "x", "platforms": ["myspace"]}, "platforms.0"),
                        ({"name": "x", "brand": {"fonts": {"family": "comic"}}},
                         "brand.fonts.family"),
                        ({"name": "x", "colour": "red"}, "colour")):
        answer = client.post(P, json=body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"]["field"] == field, answer.text
    null_name = client.patch(f"{P}/1", json={"name": None})
    assert null_name.status_code == 422 and null_name.json()["error"]["field"] == "name"


def test_other_users_projects_are_not_found(account: Account,
                                            make_account: Callable[..., Account]) -> None:
    mine = account.client.post(P, json={"name": "Mine", "topic": "tea"}).json()
    other = make_account().client
    for call in (lambda: other.get(f"{P}/{mine['id']}"),
                 lambda: other.patch(f"{P}/{mine['id']}", json={"topic": "coffee"}),
                 lambda: other.delete(f"{P}/{mine['id']}"),
                 lambda: other.get(f"{P}/1"),  # their own number 1: they have none
                 lambda: other.get(f"{P}/{mine['id']}/jobs")):
        answer = call()
        assert answer.status_code == 404, answer.text
    assert other.get(P).json() == []
    for path, body in (("/api/v1/tasks/submit/workflow", {"project_id": mine["id"]}),
                       ("/api/v1/tasks/submit/content", {"project_id": mine["id"]}),
                       ("/api/v1/tasks/submit/video", {"project_id": mine["id"]}),
                       ("/api/v1/tasks/submit/tts", {"text": "hi", "project_id": mine["id"]})):
        answer = other.post(path, json=body)
        assert answer.status_code == 404, answer.text
        assert answer.json()["error"]["field"] == "project_id"
        assert mine["id"] in answer.json()["error"]["message"]
    batch = other.post("/api/v1/tasks/submit/batch", json={
        "task_type": "content", "items": [{"project_id": mine["id"], "settings": {}}]})
    assert batch.status_code == 404 and batch.json()["error"]["field"] == "items[0].project_id"
    schedule = other.post("/api/v1/schedules", json={
        "name": "daily", "cron": "0 7 * * *", "project_id": mine["id"],
        "template": {"images": {"source": "recent", "since": "P1D"}}})
    assert schedule.status_code == 404 and schedule.json()["error"]["field"] == "project_id"
    listed = other.get("/api/v1/tasks", params={"project_id": mine["id"]})
    assert listed.status_code == 404
    # untouched
    assert account.client.get(f"{P}/{mine['id']}").json()["topic"] == "tea"


def test_concurrent_creates_get_distinct_numbers(account: Account) -> None:
    def create(i: int) -> httpx.Response:
        with httpx.Client(base_url=str(account.client.base_url), timeout=30.0,
                          headers={"Authorization": f"Bearer {account.token}"}) as client:
            return client.post(P, json={"name": f"series {i}"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(create, range(16)))
    assert all(a.status_code == 201 for a in answers), [a.text for a in answers]
    assert sorted(a.json()["number"] for a in answers) == list(range(1, 17))


def test_brand_assets_are_yours_or_shared_and_of_their_kind(
        account: Account, make_account: Callable[..., Account]) -> None:
    client = account.client
    logo, bed = _asset(account, "image"), _asset(account, "audio")
    good = client.post(P, json={"name": "Branded", "brand": {
        "watermark": {"asset_id": logo, "position": "top_left", "opacity": 0.5},
        "music": {"asset_id": bed}}})
    assert good.status_code == 201, good.text
    assert good.json()["brand"]["watermark"]["position"] == "top_left"

    swapped = client.post(P, json={"name": "Swapped", "brand": {"watermark": {"asset_id": bed}}})
    assert swapped.status_code == 422, swapped.text
    assert swapped.json()["error"]["field"] == "brand.watermark.asset_id"
    music = client.patch(f"{P}/1", json={"brand": {"music": {"asset_id": logo}}})
    assert music.status_code == 422 and music.json()["error"]["field"] == "brand.music.asset_id"
    unknown = client.post(P, json={"name": "Unknown",
                                   "brand": {"music": {"asset_id": str(uuid.uuid4())}}})
    assert unknown.status_code == 404
    assert unknown.json()["error"]["field"] == "brand.music.asset_id"

    other = make_account()
    theirs = _asset(other, "image")
    foreign = client.post(P, json={"name": "Foreign", "brand": {"watermark": {"asset_id": theirs}}})
    assert foreign.status_code == 404, foreign.text
    assert foreign.json()["error"]["field"] == "brand.watermark.asset_id"
    _set_asset(theirs, user_id=None)  # now a shared library item: usable by everyone
    shared = client.post(P, json={"name": "Shared", "brand": {"watermark": {"asset_id": theirs}}})
    assert shared.status_code == 201, shared.text
    _set_asset(theirs, retired_at=datetime.now(UTC), retired_reason="licence ended")
    retired = client.post(P, json={"name": "Retired", "brand": {"watermark": {"asset_id": theirs}}})
    assert retired.status_code == 422, retired.text
    assert retired.json()["error"]["code"] == "asset_retired"
    assert retired.json()["error"]["field"] == "brand.watermark.asset_id"
    # a submit's own kit is checked the same way
    submit = client.post("/api/v1/tasks/submit/workflow", json={
        "topic": "tea", "brand": {"music": {"asset_id": logo}}})
    assert submit.status_code == 422 and submit.json()["error"]["field"] == "brand.music.asset_id"


def test_an_empty_patch_changes_nothing(account: Account) -> None:
    before = account.client.post(P, json={"name": "Still"}).json()
    for body in (None, {}):
        answer = account.client.patch(f"{P}/{before['number']}", json=body)
        assert answer.status_code == 200, answer.text
        assert answer.json() == before
