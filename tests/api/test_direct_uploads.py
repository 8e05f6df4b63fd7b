"""Direct uploads: a presigned PUT to the store, then complete; refused files leave nothing."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from app.core.config import settings
from tests.api.conftest import ASSET_QUOTA_BYTES
from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav
from tests.support.store import read_object, stored_keys


def _start(account: Account, kind: str, content: bytes, name: str = "f") -> dict[str, str]:
    started = account.client.post("/api/v1/assets/uploads", json={
        "kind": kind, "filename": name, "size_bytes": len(content)})
    assert started.status_code == 201, started.text
    body = started.json()
    put = httpx.put(body["url"], content=content, headers=body["headers"])
    assert put.status_code == 200, put.text
    return body


def test_direct_upload_is_checked_and_registered(account: Account) -> None:
    body = _start(account, "audio", tone_wav(1.5), "voice.wav")
    assert f"uploads/{account.user_id}/{body['upload_id']}" in stored_keys("uploads/")
    done = account.client.post(body["complete_url"])
    assert done.status_code == 201, done.text
    asset = done.json()
    assert asset["kind"] == "audio" and asset["filename"] == "voice.wav"
    assert abs(asset["duration_s"] - 1.5) < 0.05
    key = f"assets/{account.user_id}/{asset['id']}.wav"
    assert read_object(key)[:4] == b"RIFF"
    assert not stored_keys(f"uploads/{account.user_id}/{body['upload_id']}")
    again = account.client.post(body["complete_url"])
    assert again.status_code == 404  # completed once; the upload is gone


def test_refused_direct_upload_leaves_no_object(account: Account) -> None:
    body = _start(account, "image", b"not an image at all" * 100)
    refused = account.client.post(body["complete_url"])
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "file"
    assert not stored_keys(f"uploads/{account.user_id}/{body['upload_id']}")
    assert not stored_keys(f"assets/{account.user_id}/")


def test_declared_kind_must_match_and_size_is_capped(account: Account) -> None:
    body = _start(account, "audio", image_bytes((1, 2, 3)))
    mismatch = account.client.post(body["complete_url"])
    assert mismatch.status_code == 422 and mismatch.json()["error"]["code"] == "kind_mismatch"
    too_big = account.client.post("/api/v1/assets/uploads", json={
        "kind": "image", "filename": "x.jpg", "size_bytes": settings.uploads.MAX_IMAGE_BYTES + 1})
    assert too_big.status_code == 413 and too_big.json()["error"]["field"] == "size_bytes"


def test_complete_without_put_and_foreign_uploads(
        account: Account, make_account: Callable[..., Account]) -> None:
    started = account.client.post("/api/v1/assets/uploads", json={
        "kind": "image", "filename": "x.png", "size_bytes": 100}).json()
    nothing = account.client.post(started["complete_url"])
    assert nothing.status_code == 409 and nothing.json()["error"]["code"] == "upload_missing"
    other = make_account()
    assert other.client.post(started["complete_url"]).status_code == 404


def test_direct_uploads_count_against_the_plans_asset_bytes(
        small_quota_account: Account) -> None:
    """Refused when declared (413 at start) and, if the PUT is larger than declared, at
    complete; the refused object is deleted."""
    account = small_quota_account
    declared = account.client.post("/api/v1/assets/uploads", json={
        "kind": "audio", "filename": "big.wav", "size_bytes": ASSET_QUOTA_BYTES + 1})
    assert declared.status_code == 413, declared.text
    assert declared.json()["error"]["code"] == "storage_quota_exceeded"
    started = account.client.post("/api/v1/assets/uploads", json={
        "kind": "audio", "filename": "small.wav", "size_bytes": 1000}).json()
    put = httpx.put(started["url"], content=tone_wav(2.5), headers=started["headers"])
    assert put.status_code == 200, put.text
    done = account.client.post(started["complete_url"])
    assert done.status_code == 413, done.text
    assert f"{ASSET_QUOTA_BYTES} bytes" in done.json()["error"]["message"]
    assert not stored_keys(f"uploads/{account.user_id}/")
    assert not stored_keys(f"assets/{account.user_id}/")
