"""The library end to end: admins add shared items, a content worker tags them, users
search, read, change their own, and see usage; isolation between users."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, insert

from app.core.config import settings
from app.media import ffmpeg_exe
from app.models import Asset
from app.services.assets.tagging import take_untagged
from app.storage import get_storage
from app.tasks.maintenance import resend_untagged
from tests.api.library_support import add_shared, search, wait_tagged
from tests.support.fixtures import Account, promote_to_admin
from tests.support.library_media import click_track, gradient_clip
from tests.support.media import image_bytes
from tests.support.processes import CeleryWorker


@pytest.fixture(scope="module")
def content_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """A worker on the content queue: the auto-tagger's."""
    with CeleryWorker.running(name="content-library", queues="content", concurrency=2,
                              log_dir=tmp_root / "logs") as proc:
        yield proc


def quiet_pulse(dest: Path, *, bpm: float, seconds: float = 10.0) -> Path:
    """A soft low tone pulsing at `bpm`: calm and dark by any measure."""
    period = 60.0 / bpm
    expr = f"0.03*sin(2*PI*110*t)*exp(-5*mod(t\\,{period}))"
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"aevalsrc={expr}:s=44100:d={seconds}", "-c:a", "aac", "-y", str(dest)],
                   check=True, timeout=60)
    return dest


@pytest.fixture(scope="module")
def shared_set(tmp_path_factory: pytest.TempPathFactory, api_server: Any,
               content_worker: CeleryWorker) -> Iterator[dict[str, Any]]:
    """Four shared items with a tag of this run, added by an admin and tagged."""
    folder = tmp_path_factory.mktemp("library")
    run_tag = f"run-{uuid.uuid4().hex[:8]}"
    client = httpx.Client(base_url=api_server.base_url, timeout=60.0)
    email, password = f"lib-admin-{uuid.uuid4().hex[:10]}@example.com", "correct horse battery"
    created = client.post("/api/v1/auth/register", json={"email": email, "password": password})
    promote_to_admin(created.json()["id"])
    token = client.post("/api/v1/auth/token", data={"username": email, "password": password})
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    admin = Account(client, email, password, created.json()["id"], token.json()["access_token"])
    files = {
        "beat": click_track(folder / "beat120.m4a", bpm=120.0, fmt="m4a"),
        "calm": quiet_pulse(folder / "calm70.m4a", bpm=70.0),
        "moving": gradient_clip(folder / "moving.mp4", width=180, height=320, speed_px_s=120.0),
        "still": gradient_clip(folder / "still.mp4", width=320, height=180, speed_px_s=0.0),
    }
    items = {name: add_shared(admin, path, title=f"{name} {run_tag}", tags=run_tag)
             for name, path in files.items()}
    tagged = {name: wait_tagged(admin, item["id"]) for name, item in items.items()}
    yield {"tag": run_tag, "items": tagged, "admin": admin}
    client.close()


def ids(shared_set: dict[str, Any], *names: str) -> set[str]:
    return {shared_set["items"][n]["id"] for n in names}


def test_tagger_measures_tempo_motion_and_orientation(shared_set: dict[str, Any]) -> None:
    items = shared_set["items"]
    beat = items["beat"]
    assert beat["tag_state"] == "done" and beat["kind"] == "music" and beat["shared"]
    assert abs(beat["features"]["bpm"] - 120.0) <= 2.0, beat["features"]
    assert "music" in beat["tags"] and shared_set["tag"] in beat["tags"]
    assert beat["urls"]["waveform"] and beat["urls"]["thumbnail"] is None
    assert beat["licence"]["licence"] == "CC0-1.0"
    assert "mood:calm" in items["calm"]["tags"], items["calm"]["features"]
    moving, still = items["moving"], items["still"]
    assert {"portrait", "motion"} <= set(moving["tags"]), moving["features"]
    assert {"landscape", "still"} <= set(still["tags"]) and "motion" not in still["tags"]
    assert moving["urls"]["thumbnail"] and moving["features"]["colours"]


def test_previews_are_served(shared_set: dict[str, Any], account: Account) -> None:
    """Any user can fetch a shared item's waveform, thumbnail and file."""
    beat, moving = shared_set["items"]["beat"], shared_set["items"]["moving"]
    for url, magic in ((beat["urls"]["waveform"], b"\x89PNG"),
                       (moving["urls"]["thumbnail"], b"\xff\xd8"),
                       (moving["urls"]["file"], None)):
        answer = account.client.get(url, follow_redirects=True)
        assert answer.status_code == 200, answer.text
        if magic:
            assert answer.content.startswith(magic)


def test_search_filters(shared_set: dict[str, Any], account: Account) -> None:
    tag = shared_set["tag"]

    def found(**params: Any) -> set[str]:
        return set(search(account, tag=[tag, *params.pop("tag", [])], **params))

    assert found() == ids(shared_set, "beat", "calm", "moving", "still")
    assert found(kind="music") == ids(shared_set, "beat", "calm")
    assert found(kind="clip") == ids(shared_set, "moving", "still")
    assert found(min_bpm=110, max_bpm=130) == ids(shared_set, "beat")
    assert found(mood="calm") == ids(shared_set, "calm")
    assert found(orientation="portrait") == ids(shared_set, "moving")
    assert found(orientation="landscape") == ids(shared_set, "still")
    assert found(max_duration_s=5) == ids(shared_set, "moving", "still")
    assert found(min_duration_s=8, max_duration_s=20) == ids(shared_set, "beat", "calm")
    assert found(tag=["motion"]) == ids(shared_set, "moving")
    assert found(tag=["motion", "still"]) == set()  # every tag given must match
    assert found(q=f"still {tag}") == ids(shared_set, "still")
    assert found(scope="mine") == set()


def test_search_pages_with_a_cursor(shared_set: dict[str, Any], account: Account) -> None:
    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params: dict[str, Any] = {"tag": shared_set["tag"], "limit": 1}
        if cursor:
            params["cursor"] = cursor
        page = account.client.get("/api/v1/library", params=params).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 4 and set(seen) == ids(shared_set, "beat", "calm", "moving", "still")


@pytest.mark.parametrize(("params", "status", "field"), [
    ({"mood": "happy"}, 422, None),
    ({"min_bpm": 140, "max_bpm": 100}, 422, "min_bpm"),
    ({"min_duration_s": 9, "max_duration_s": 1}, 422, "min_duration_s"),
    ({"cursor": "not-a-cursor"}, 422, "cursor"),
    ({"include_retired": "true"}, 403, "include_retired"),
])
def test_bad_search_is_refused(account: Account, params: dict[str, Any], status: int,
                               field: str | None) -> None:
    answer = account.client.get("/api/v1/library", params=params)
    assert answer.status_code == status, answer.text
    if field:
        assert answer.json()["error"]["field"] == field


def test_uploads_are_private_and_tagged(make_account: Callable[[], Account],
                                        shared_set: dict[str, Any]) -> None:
    owner, other = make_account(), make_account()
    uploaded = owner.upload(image_bytes((30, 60, 200), (640, 360)), "blue.png")
    assert uploaded.status_code == 201, uploaded.text
    asset_id = uploaded.json()["id"]
    item = wait_tagged(owner, asset_id)  # POST /assets sends a tagging message too
    assert item["tag_state"] == "done" and not item["shared"]
    assert "landscape" in item["tags"] and item["urls"]["thumbnail"]
    assert other.client.get(f"/api/v1/library/{asset_id}").status_code == 404
    assert other.client.get(f"/api/v1/library/{asset_id}/usage").status_code == 404
    assert other.client.get(f"/api/v1/library/{asset_id}/preview").status_code == 404
    assert other.client.patch(f"/api/v1/library/{asset_id}",
                              json={"title": "mine now"}).status_code == 404
    assert asset_id not in search(other, kind="image")
    assert asset_id in search(owner, scope="mine", kind="image")
    assert asset_id not in search(owner, scope="shared", kind="image")
    admin = shared_set["admin"]  # admins see shared items and their own, not other uploads
    assert admin.client.get(f"/api/v1/library/{asset_id}").status_code == 404
    changed = owner.client.patch(f"/api/v1/library/{asset_id}",
                                 json={"title": "Blue card", "tags": ["Brand", "blue"]})
    assert changed.status_code == 200, changed.text
    assert changed.json()["tags"] == ["brand", "blue"] and changed.json()["title"] == "Blue card"
    assert set(search(owner, tag=["brand", "blue"])) == {asset_id}


def test_shared_items_are_written_by_admins_only(shared_set: dict[str, Any],
                                                 account: Account, tmp_path: Path) -> None:
    beat = shared_set["items"]["beat"]
    answer = account.client.patch(f"/api/v1/library/{beat['id']}", json={"title": "ours"})
    assert answer.status_code == 403, answer.text
    assert account.client.post(f"/api/v1/admin/library/{beat['id']}/retire",
                               json={"reason": "mine"}).status_code == 403
    clip = gradient_clip(tmp_path / "c.mp4", width=160, height=160, speed_px_s=0.0,
                         seconds=1.0)
    added = account.client.post("/api/v1/admin/library", data={
        "title": "x", "licence": "CC0-1.0", "source": "me"},
        files={"file": ("c.mp4", clip.read_bytes())})
    assert added.status_code == 403
    admin = shared_set["admin"]
    patched = admin.client.patch(f"/api/v1/library/{beat['id']}",
                                 json={"tags": [*beat["tags"], "drums"]})
    assert patched.status_code == 200 and "drums" in patched.json()["tags"]
    refused = admin.client.patch(f"/api/v1/library/{beat['id']}", json={"licence": None})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "licence"


def test_admin_adds_a_track_above_a_megabyte(shared_set: dict[str, Any],
                                             tmp_path: Path) -> None:
    """The shared library takes uploads as large as POST /assets does, not the 1 MiB of
    JSON bodies."""
    track = click_track(tmp_path / "long.wav", bpm=90.0, seconds=20.0)
    assert track.stat().st_size > 1.5 * (1 << 20)
    item = add_shared(shared_set["admin"], track, title="Long click")
    assert item["size_bytes"] == track.stat().st_size and item["kind"] == "music"


def test_admin_add_needs_a_licence(shared_set: dict[str, Any], tmp_path: Path) -> None:
    admin = shared_set["admin"]
    clip = gradient_clip(tmp_path / "c.mp4", width=160, height=160, speed_px_s=0.0,
                         seconds=1.0)
    missing = admin.client.post("/api/v1/admin/library", data={"title": "no licence"},
                                files={"file": ("c.mp4", clip.read_bytes())})
    assert missing.status_code == 422, missing.text
    assert missing.json()["error"]["field"] in {"licence", "source"}
    bad = admin.client.post("/api/v1/admin/library", data={
        "title": "x", "licence": "CC0-1.0", "source": "me", "platforms": "myspace"},
        files={"file": ("c.mp4", clip.read_bytes())})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "platforms", bad.text


def test_lost_tagging_message_is_sent_again(content_worker: CeleryWorker, account: Account,
                                            tmp_path: Path) -> None:
    """An asset committed two days ago whose tagging message never left: the sweeper's
    resend reaches a worker, and re-arms so that the next sweep does not send it again."""
    track = click_track(tmp_path / "lost.wav", bpm=120.0, seconds=6.0)
    asset_id, key = uuid.uuid4(), f"assets/{account.user_id}/{uuid.uuid4()}.wav"
    get_storage().put_file(key, track, content_type="audio/wav")
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(insert(Asset).values(
            id=asset_id, user_id=account.user_id, kind="audio", content_type="audio/wav",
            filename="lost.wav", storage_key=key, size_bytes=track.stat().st_size,
            sha256="0" * 64, duration_s=6.0, tags=[], features={}, tag_state="pending",
            created_at=datetime.now(UTC) - timedelta(days=2)))
    engine.dispose()
    day = 24 * 3600.0
    assert resend_untagged(period_s=day) >= 1
    assert asset_id not in take_untagged(period_s=day)  # re-armed (or already tagged)
    item = wait_tagged(account, str(asset_id))
    assert item["tag_state"] == "done" and abs(item["features"]["bpm"] - 120.0) <= 2.0
