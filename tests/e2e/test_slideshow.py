"""A client's whole path: register, upload, submit, follow the WebSocket, download, verify."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
from websockets.sync.client import connect

from app.media.probe import frame_rgb_at, probe
from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav
from tests.support.processes import ApiServer, CeleryWorker

COLORS = [(220, 20, 20), (20, 200, 20), (20, 20, 220)]


def test_slideshow_end_to_end(account: Account, api_server: ApiServer, worker: CeleryWorker,
                              tmp_path: Path) -> None:
    images = [account.upload(image_bytes(c, (1280, 720)), f"{i}.png", "image").json()["id"]
              for i, c in enumerate(COLORS)]
    audio = account.upload(tone_wav(2.0), "tone.wav", "audio").json()["id"]

    with connect(api_server.ws_url, open_timeout=10,
                 additional_headers={"Authorization": f"Bearer {account.token}"}) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "ready"
        submitted = account.client.post("/api/v1/tasks/submit/video", json={
            "asset_ids": images, "seconds_per_image": 2.0, "transition": "fade",
            "transition_s": 0.5, "resolution": "1080x1920", "fps": 30,
            "audio_asset_id": audio, "priority": 7,
        })
        assert submitted.status_code == 202, submitted.text
        job = submitted.json()
        assert job["urls"]["self"] == f"/api/v1/tasks/{job['id']}"
        events = []
        while not events or events[-1]["type"] not in {"job.succeeded", "job.failed"}:
            event = json.loads(ws.recv(timeout=120))
            if event.get("job_id") == job["id"]:
                events.append(event)

    types = [e["type"] for e in events]
    assert types[-1] == "job.succeeded", events
    assert types.index("job.queued") < types.index("job.started") < types.index("job.progress")
    progress = [e["progress"] for e in events if e["type"] == "job.progress"]
    assert progress == sorted(progress) and progress[-1] == 1.0
    ids = [e["id"] for e in events]
    assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("-"))))

    final = account.client.get(f"/api/v1/tasks/{job['id']}").json()
    assert final["state"] == "succeeded"
    states = [h["state"] for h in final["history"]]
    assert states[:3] == ["pending", "queued", "started"] and states[-1] == "succeeded"

    video = tmp_path / "out.mp4"
    # the result route sends the client to the store: a presigned GET, no token needed there
    moved = account.client.get(f"/api/v1/tasks/{job['id']}/result")
    assert moved.status_code == 307 and moved.headers["location"].startswith(
        os.environ["S3_ENDPOINT_URL"])
    download = httpx.get(moved.headers["location"])
    assert download.status_code == 200 and download.headers["content-type"] == "video/mp4"
    assert f"reelforge-{job['id']}.mp4" in download.headers["content-disposition"]
    video.write_bytes(download.content)
    info = probe(video)
    expected = 3 * 2.0 - 2 * 0.5
    assert (info.width, info.height) == (1080, 1920)
    assert abs(info.fps - 30) < 0.01
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.duration_s - expected) <= 1 / 30 + 0.05
    for index, color in enumerate(COLORS):
        middle = index * 1.5 + 0.9 if index else 0.7
        seen = frame_rgb_at(video, middle)
        assert all(abs(a - b) < 30 for a, b in zip(seen, color, strict=True)), (index, seen)

    ranged = httpx.get(moved.headers["location"], headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and ranged.content == video.read_bytes()[:100]
    signed = account.client.get(f"/api/v1/tasks/{job['id']}/result?signed=true",
                                follow_redirects=False)
    assert signed.status_code == 307
    link = api_server.base_url + signed.headers["location"]
    played = httpx.get(link)  # streamed from the store through the API, no token needed
    assert played.status_code == 200 and played.content == video.read_bytes()
    tail = httpx.get(link, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206 and tail.content == video.read_bytes()[-50:]
    size = len(video.read_bytes())
    assert tail.headers["content-range"] == f"bytes {size - 50}-{size - 1}/{size}"
    beyond = httpx.get(link, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"
