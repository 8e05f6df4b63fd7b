"""The editor's pictures: a thumbnail of one's own upload, and a transition's preview rendered
by the renderer (decoded here to check its size, length and that the blend is drawn)."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from app.media.ffmpeg import ffmpeg_exe
from app.media.probe import probe
from app.media.transition_kinds import KINDS, RANDOM
from tests.support.fixtures import Account
from tests.support.library_media import gradient_clip
from tests.support.media import image_bytes, tone_wav


def test_thumbnail_of_an_own_image_only(make_account: Callable[[], Account]) -> None:
    owner, stranger = make_account(), make_account()
    photo = owner.upload(image_bytes((200, 40, 40), (1600, 1200), "JPEG"), "big.jpg")
    assert photo.status_code == 201, photo.text
    asset_id = photo.json()["id"]

    got = owner.client.get(f"/api/v1/assets/{asset_id}/thumbnail")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "image/jpeg"
    assert "private" in got.headers["cache-control"]
    with Image.open(io.BytesIO(got.content)) as thumb:
        assert max(thumb.size) <= 320 and thumb.size[0] / thumb.size[1] == 4 / 3
        red, green, _ = thumb.convert("RGB").getpixel((thumb.size[0] // 2, thumb.size[1] // 2))
        assert red > 150 and green < 90  # the photo's own colour, not a placeholder

    assert stranger.client.get(f"/api/v1/assets/{asset_id}/thumbnail").status_code == 404
    assert owner.client.get(f"/api/v1/assets/{asset_id}/thumbnail",
                            headers={"Authorization": ""}).status_code == 401


def test_thumbnail_of_a_clip_is_a_frame(account: Account, tmp_path: Path) -> None:
    clip = gradient_clip(tmp_path / "pan.mp4", width=640, height=360, speed_px_s=50,
                         seconds=1.0)
    uploaded = account.upload(clip.read_bytes(), "pan.mp4", kind="video")
    assert uploaded.status_code == 201, uploaded.text
    got = account.client.get(f"/api/v1/assets/{uploaded.json()['id']}/thumbnail")
    assert got.status_code == 200, got.text
    with Image.open(io.BytesIO(got.content)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (320, 180)


def test_audio_has_no_thumbnail(account: Account) -> None:
    song = account.upload(tone_wav(1.0), "tone.wav")
    assert song.status_code == 201, song.text
    got = account.client.get(f"/api/v1/assets/{song.json()['id']}/thumbnail")
    assert got.status_code == 422
    assert got.json()["error"]["code"] == "no_thumbnail"


def _frames(path: Path) -> np.ndarray:
    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, 284, 160, 3)


def test_transition_preview_is_rendered_between_two_cards(account: Account,
                                                          tmp_path: Path) -> None:
    got = account.client.get("/api/v1/transitions/wipeleft/preview")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"] == "video/mp4"
    clip = tmp_path / "wipeleft.mp4"
    clip.write_bytes(got.content)
    info = probe(clip)
    assert (info.width, info.height) == (160, 284) and not info.has_audio
    assert 0.9 <= info.duration_s <= 1.1
    frames = _frames(clip).astype(int)
    first, last, middle = frames[0], frames[-1], frames[len(frames) // 2]
    assert first[10, 10, 2] > first[10, 10, 0]  # card A is blue
    assert last[10, 10, 0] > last[10, 10, 2]  # card B is orange
    # a wipe to the left: mid-way, the right edge already shows B while the left still shows A
    assert middle[10, 150, 0] > middle[10, 150, 2] and middle[10, 5, 2] > middle[10, 5, 0]

    again = account.client.get("/api/v1/transitions/wipeleft/preview")
    assert again.content == got.content  # rendered once, then kept


def test_every_kind_but_random_has_a_preview(account: Account) -> None:
    names = [k.name for k in KINDS]
    assert account.client.get(f"/api/v1/transitions/{RANDOM}/preview").status_code == 404
    assert account.client.get("/api/v1/transitions/sparkle/preview").status_code == 404
    assert account.client.get("/api/v1/transitions/none/preview").status_code == 200
    assert RANDOM in names
