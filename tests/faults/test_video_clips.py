"""Short clips from a phone (MP4, MOV, WebM) upload as `video` assets under the same
sniffing and caps as images and audio, and render in a timeline's video scene."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import imageio_ffmpeg
import pytest

from app.core.config import settings
from app.media.probe import frame_rgb_at
from tests.support.fixtures import Account
from tests.support.processes import ApiServer, CeleryWorker

RED = (220, 20, 20)


def clip(path: Path, seconds: float, size: str = "320x240", *extra: str) -> bytes:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi",
                    "-i", f"color=c=0xdc1414:s={size}:r=10:d={seconds}", *extra, str(path)],
                   check=True)
    return path.read_bytes()


@pytest.mark.parametrize(("name", "extra", "content_type"), [
    ("clip.mp4", ("-c:v", "libx264", "-pix_fmt", "yuv420p"), "video/mp4"),
    ("clip.mov", ("-c:v", "libx264", "-pix_fmt", "yuv420p"), "video/quicktime"),
    ("clip.webm", ("-c:v", "libvpx-vp9", "-b:v", "200k"), "video/webm"),
])
def test_a_clip_uploads_as_a_video_asset_and_renders_in_a_video_scene(
        account: Account, api_server: ApiServer, worker: CeleryWorker, tmp_path: Path,
        name: str, extra: tuple[str, ...], content_type: str) -> None:
    created = account.upload(clip(tmp_path / name, 2.0, "320x240", *extra), name, "video")
    assert created.status_code == 201, created.text
    asset = created.json()
    assert (asset["kind"], asset["content_type"]) == ("video", content_type)
    assert (asset["width"], asset["height"]) == (320, 240)
    assert abs(asset["duration_s"] - 2.0) < 0.2

    submitted = account.client.post("/api/v1/tasks/submit/video", json={"timeline": {
        "scenes": [{"kind": "video", "asset": asset["id"], "out_s": 1.5}]}})
    assert submitted.status_code == 202, submitted.text
    job = account.wait_job(submitted.json()["id"])
    assert job["state"] == "succeeded", job
    result = account.client.get(f"/api/v1/tasks/{job['id']}/result")
    video = tmp_path / "out.mp4"
    video.write_bytes(httpx.get(result.headers["location"]).content)
    seen = frame_rgb_at(video, 0.7)
    assert all(abs(a - b) < 30 for a, b in zip(seen, RED, strict=True)), seen


def test_a_clip_longer_than_the_cap_is_refused(account: Account, tmp_path: Path) -> None:
    long = clip(tmp_path / "long.mp4", settings.uploads.MAX_VIDEO_DURATION_S + 2, "32x32",
                "-c:v", "libx264", "-pix_fmt", "yuv420p")
    refused = account.upload(long, "long.mp4", "video")
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "video_duration"


def test_an_audio_only_mp4_is_not_a_video(account: Account, tmp_path: Path) -> None:
    path = tmp_path / "voice.m4a"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=d=1", "-c:a", "aac", str(path)], check=True)
    assert account.upload(path.read_bytes(), "voice.m4a", "audio").status_code == 201
    refused = account.upload(path.read_bytes(), "voice.m4a", "video")
    assert refused.status_code == 422
