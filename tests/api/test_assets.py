"""Uploads: sniffed by content, capped, normalised, owned; nothing partial stored."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from sqlalchemy import create_engine, text

from app.core.config import settings
from tests.api.conftest import ASSET_QUOTA_BYTES, ASSET_QUOTA_COUNT
from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav
from tests.support.store import read_object, stored_keys


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims a huge canvas: a pixel bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _stored_files() -> set[str]:
    return stored_keys("assets/")


def _asset_count(user_id: str) -> int:
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM assets WHERE user_id = :u"),
                             {"u": user_id}).scalar_one()
    engine.dispose()
    return int(count)


def test_image_upload_is_normalised_to_jpeg(account: Account) -> None:
    created = account.upload(image_bytes((200, 30, 30), (800, 600)), "photo.png", "image")
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind"] == "image" and body["content_type"] == "image/jpeg"
    assert (body["width"], body["height"]) == (800, 600)
    stored = [k for k in stored_keys(f"assets/{account.user_id}/") if body["id"] in k]
    assert stored == [f"assets/{account.user_id}/{body['id']}.jpg"]
    with Image.open(io.BytesIO(read_object(stored[0]))) as image:
        assert image.format == "JPEG" and image.size == (800, 600)


def test_audio_upload_is_probed(account: Account) -> None:
    created = account.upload(tone_wav(2.0), "tone.wav")
    assert created.status_code == 201, created.text
    assert created.json()["kind"] == "audio"
    assert abs(created.json()["duration_s"] - 2.0) < 0.05


def test_text_named_png_is_refused(account: Account) -> None:
    before = _stored_files()
    bad = account.upload(b"just some text, not an image at all" * 10, "evil.png", "image")
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "file"
    assert _stored_files() == before
    assert _asset_count(account.user_id) == 0


def test_audio_declared_as_image_is_refused(account: Account) -> None:
    bad = account.upload(tone_wav(0.5), "tone.png", "image")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "kind_mismatch"


def test_pixel_bomb_is_refused_before_decoding(account: Account) -> None:
    bad = account.upload(_png_header_only(60000, 60000), "bomb.png", "image")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "image_too_large"
    assert _asset_count(account.user_id) == 0


def test_truncated_image_is_refused(account: Account) -> None:
    whole = image_bytes((1, 2, 3), (400, 400), "JPEG")
    bad = account.upload(whole[: len(whole) // 3], "cut.jpg")
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "file"


def test_oversize_upload_is_413(account: Account) -> None:
    cap = max(settings.uploads.MAX_IMAGE_BYTES, settings.uploads.MAX_AUDIO_BYTES)
    before = _stored_files()
    huge = io.BytesIO(b"\xff\xd8\xff" + b"\0" * (cap + (2 << 20)))
    bad = account.client.post("/api/v1/assets", files={"file": ("big.jpg", huge)})
    assert bad.status_code == 413
    assert bad.json()["error"]["field"] == "file"
    assert _stored_files() == before


def test_another_users_asset_is_404(make_account) -> None:  # type: ignore[no-untyped-def]
    owner, other = make_account(), make_account()
    asset = owner.upload(image_bytes((0, 0, 255)), "blue.png").json()
    assert other.client.get(f"/api/v1/assets/{asset['id']}").status_code == 404
    assert other.client.delete(f"/api/v1/assets/{asset['id']}").status_code == 404
    assert owner.client.get(f"/api/v1/assets/{asset['id']}").status_code == 200
    listed = other.client.get("/api/v1/assets").json()
    assert all(a["id"] != asset["id"] for a in listed)


def test_delete_removes_row_and_file(account: Account) -> None:
    asset = account.upload(image_bytes((9, 9, 9)), "x.png").json()
    assert f"assets/{account.user_id}/{asset['id']}.jpg" in _stored_files()
    assert account.client.delete(f"/api/v1/assets/{asset['id']}").status_code == 204
    assert account.client.get(f"/api/v1/assets/{asset['id']}").status_code == 404
    assert f"assets/{account.user_id}/{asset['id']}.jpg" not in _stored_files()


def test_asset_count_and_bytes_are_capped_by_the_plan(small_quota_account: Account) -> None:
    """Over the plan's asset count: 429; over its bytes: 413; each names the limit, and a
    refused upload leaves nothing stored."""
    account = small_quota_account
    first = account.upload(tone_wav(1.0), "a.wav", "audio")  # ~44 KB of the 100 KB
    assert first.status_code == 201, first.text
    over = account.upload(tone_wav(1.5), "b.wav", "audio")  # ~66 KB more
    assert over.status_code == 413, over.text
    assert over.json()["error"]["code"] == "storage_quota_exceeded"
    assert f"{ASSET_QUOTA_BYTES} bytes" in over.json()["error"]["message"]
    for name in ("c.png", "d.png"):
        small = account.upload(image_bytes((9, 9, 9), (64, 64)), name)
        assert small.status_code == 201, small.text
    fourth = account.upload(image_bytes((9, 9, 9), (64, 64)), "e.png")
    assert fourth.status_code == 429, fourth.text
    assert fourth.json()["error"]["code"] == "asset_quota_exceeded"
    assert f"{ASSET_QUOTA_COUNT} assets" in fourth.json()["error"]["message"]
    assert len(stored_keys(f"assets/{account.user_id}/")) == ASSET_QUOTA_COUNT
    assert account.client.delete(f"/api/v1/assets/{first.json()['id']}").status_code == 204
    again = account.upload(image_bytes((9, 9, 9), (64, 64)), "f.png")
    assert again.status_code == 201, again.text  # deleting frees room
