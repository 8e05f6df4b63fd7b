"""Phone galleries are full of GIFs: an animated GIF uploads as an image (its first frame,
normalised to a JPEG like any still) and renders in a timeline's image scene."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
from PIL import Image

from app.media.probe import frame_rgb_at
from tests.support.fixtures import Account
from tests.support.processes import ApiServer, CeleryWorker

FIRST, LATER = (220, 20, 20), (20, 20, 220)


def animated_gif(size: tuple[int, int] = (320, 240)) -> bytes:
    frames = [Image.new("RGB", size, FIRST), Image.new("RGB", size, LATER),
              Image.new("RGB", size, LATER)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    return out.getvalue()


def test_an_animated_gif_uploads_as_its_first_frame_and_renders_in_a_timeline(
        account: Account, api_server: ApiServer, worker: CeleryWorker, tmp_path: Path) -> None:
    created = account.upload(animated_gif(), "loop.gif", "image")
    assert created.status_code == 201, created.text
    asset = created.json()
    assert (asset["kind"], asset["content_type"]) == ("image", "image/jpeg")
    assert (asset["width"], asset["height"]) == (320, 240)

    submitted = account.client.post("/api/v1/tasks/submit/video", json={"timeline": {
        "scenes": [{"kind": "image", "asset": asset["id"], "duration_s": 1.0}]}})
    assert submitted.status_code == 202, submitted.text
    job = account.wait_job(submitted.json()["id"])
    assert job["state"] == "succeeded", job
    result = account.client.get(f"/api/v1/tasks/{job['id']}/result")
    assert result.status_code == 307
    video = tmp_path / "out.mp4"
    video.write_bytes(httpx.get(result.headers["location"]).content)
    seen = frame_rgb_at(video, 0.5)
    assert all(abs(a - b) < 30 for a, b in zip(seen, FIRST, strict=True)), seen


def test_a_gif_over_the_pixel_cap_is_refused_from_its_header(account: Account) -> None:
    # 8000x6000 logical screen (48 MP) drawn as one 1x1 frame: the header alone says too big
    out = io.BytesIO()
    Image.new("P", (8000, 6000)).save(out, "GIF", optimize=True)
    refused = account.upload(out.getvalue(), "huge.gif", "image")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "image_too_large"
