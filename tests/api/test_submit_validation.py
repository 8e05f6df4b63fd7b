"""Bad submits are 4xx with a JSON error naming the field, and store no job."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav


@pytest.fixture
def image_id(account: Account) -> str:
    return str(account.upload(image_bytes((10, 200, 10)), "g.png").json()["id"])


def _jobs(account: Account) -> list[dict[str, object]]:
    items: list[dict[str, object]] = account.client.get("/api/v1/tasks").json()["items"]
    return items


@pytest.mark.parametrize(("patch", "status", "field"), [
    ({"priority": 11}, 422, "priority"),
    ({"priority": -1}, 422, "priority"),
    ({"transition": "spin"}, 422, "transition"),
    ({"resolution": "123x45"}, 422, "resolution"),
    ({"seconds_per_image": 1.0, "transition_s": 1.5}, 422, "transition_s"),
    ({"asset_ids": []}, 422, "asset_ids"),
    ({"fps": 29}, 422, "fps"),
    ({"surprise": 1}, 422, "surprise"),
])
def test_invalid_fields_are_named(account: Account, image_id: str, patch: dict[str, object],
                                  status: int, field: str) -> None:
    body = {"asset_ids": [image_id], **patch}
    answer = account.client.post("/api/v1/tasks/submit/video", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["field"] == field
    assert _jobs(account) == []


def test_unknown_asset_is_404_naming_its_index(account: Account, image_id: str) -> None:
    answer = account.client.post("/api/v1/tasks/submit/video",
                                 json={"asset_ids": [image_id, str(uuid.uuid4())]})
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "asset_ids.1"
    assert _jobs(account) == []


def test_another_users_asset_is_404_not_403(make_account: Callable[[], Account]) -> None:
    owner, thief = make_account(), make_account()
    asset = owner.upload(image_bytes((1, 1, 1)), "a.png").json()["id"]
    answer = thief.client.post("/api/v1/tasks/submit/video", json={"asset_ids": [asset]})
    assert answer.status_code == 404
    assert answer.json()["error"]["field"] == "asset_ids.0"
    assert _jobs(thief) == []


def test_audio_in_image_list_is_refused(account: Account, image_id: str) -> None:
    audio = account.upload(tone_wav(1.0), "t.wav").json()["id"]
    answer = account.client.post("/api/v1/tasks/submit/video",
                                 json={"asset_ids": [image_id, audio]})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "asset_ids.1"


def test_image_as_audio_track_is_refused(account: Account, image_id: str) -> None:
    answer = account.client.post("/api/v1/tasks/submit/video",
                                 json={"asset_ids": [image_id], "audio_asset_id": image_id})
    assert answer.status_code == 422
    assert answer.json()["error"]["field"] == "audio_asset_id"


def test_malformed_json_is_422(account: Account) -> None:
    answer = account.client.post("/api/v1/tasks/submit/video", content=b"{not json",
                                 headers={"Content-Type": "application/json"})
    assert answer.status_code == 422
    assert "error" in answer.json()


def test_other_users_job_is_404(make_account: Callable[[], Account]) -> None:
    owner, other = make_account(), make_account()
    job_id = str(uuid.uuid4())
    assert owner.client.get(f"/api/v1/tasks/{job_id}").status_code == 404
    assert other.client.delete(f"/api/v1/tasks/{job_id}").status_code == 404
