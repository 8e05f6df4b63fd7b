"""A topic to finished reels on real workers: script, voice, render, two platforms, publish."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from websockets.sync.client import connect

from app.core.config import settings
from app.media.probe import probe
from app.webhooks.webhooks import verify_signature
from tests.support.processes import ApiServer, CeleryWorker
from tests.support.store import read_object
from tests.webhooks.receiver import Receiver
from tests.workflows.conftest import wait_workflow, workflow_events
from tests.workflows.media_checks import caption_pixels, mono_samples, rms

TAIL_S = 0.6  # the render holds the picture this long after the voice
KARAOKE_YELLOW = (255, 212, 0)


def test_topic_to_published_reels(client: httpx.Client, hook_api: ApiServer,
                                  workers: dict[str, CeleryWorker], tmp_path: Path) -> None:
    secret = client.post("/api/v1/webhooks/signing-secret").json()["secret"]
    hook = Receiver()
    try:
        with connect(hook_api.ws_url, open_timeout=10,
                     additional_headers={"Authorization": client.headers["Authorization"]}
                     ) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "ready"
            submitted = client.post("/api/v1/tasks/submit/workflow", json={
                "topic": "why the sky is blue", "duration_s": 14, "seed": 3,
                "video": {"quality": "draft", "captions": "karaoke"},
                "platforms": ["tiktok", "youtube"], "publish": {"url": f"{hook.url}/reels"}})
            assert submitted.status_code == 202, submitted.text
            workflow_id = submitted.json()["id"]
            events = workflow_events(ws, workflow_id)
        done = wait_workflow(client, workflow_id)
    finally:
        hook.stop()
    assert done["state"] == "succeeded", done["error"]
    steps = {s["step"]: s for s in done["steps"]}
    assert list(steps) == ["content", "voice", "render", "optimize:tiktok", "optimize:youtube",
                           "publish"]
    assert {s["state"] for s in steps.values()} == {"succeeded"}
    assert done["progress"] == 1.0

    stages = [e["stage"] for e in events if e["type"] == "workflow.stage"]
    assert stages == ["queued", "content", "voice", "render", "optimize", "optimize",
                      "publish", "done"]
    progress = [e["progress"] for e in events]
    assert progress == sorted(progress) and progress[-1] == 1.0
    rendering = [e for e in events if e["type"] == "workflow.progress" and e["stage"] == "render"]
    assert rendering and all(e["eta_s"] is not None for e in rendering)
    labels = {e["label"] for e in events if e["type"] == "workflow.stage"}
    assert {"writing script", "recording voice", "rendering",
            "optimising for TikTok", "optimising for YouTube"} <= labels

    voice = steps["voice"]["result"]
    render = steps["render"]["result"]
    assert render["captions"] == "karaoke" and render["preset"] == "tiktok"
    reel = tmp_path / "tiktok.mp4"
    reel.write_bytes(client.get(steps["optimize:tiktok"]["result_url"],
                               follow_redirects=True).content)
    info = probe(reel)
    assert (info.width, info.height) == (540, 960)  # tiktok 9:16 at draft scale
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert abs(info.duration_s - (voice["duration_s"] + TAIL_S)) < 0.15

    samples = mono_samples(reel)
    words = voice["words"]
    speech_levels = [rms(samples, s, e) for _, s, e in words if e - s >= 0.15]
    silence = rms(samples, words[-1][2] + 0.15, info.duration_s - 0.05)
    assert sum(level > 0.02 for level in speech_levels) >= 0.9 * len(speech_levels)
    assert silence < 0.2 * (sum(speech_levels) / len(speech_levels))
    middle = words[len(words) // 2]
    assert caption_pixels(reel, (middle[1] + middle[2]) / 2, KARAOKE_YELLOW) > 20

    wide = tmp_path / "youtube.mp4"
    wide.write_bytes(client.get(steps["optimize:youtube"]["result_url"],
                               follow_redirects=True).content)
    assert (probe(wide).width, probe(wide).height) == (960, 540)
    caption_key = steps["optimize:tiktok"]["result"]["caption_key"]
    caption = read_object(caption_key).decode()
    tags = steps["optimize:tiktok"]["result"]["hashtags"]
    assert tags and all(t.startswith("#") for t in tags) and " ".join(tags) in caption

    (request,) = hook.requests
    assert request.path == "/reels"
    assert verify_signature(secret=secret, body=request.body,
                            timestamp=request.headers["reelforge-timestamp"],
                            signature=request.headers["reelforge-signature"])
    payload = json.loads(request.body)
    assert payload["type"] == "workflow.published"
    assert [r["platform"] for r in payload["data"]["reels"]] == ["tiktok", "youtube"]
    fetched = httpx.get(payload["data"]["reels"][0]["video_url"].replace(
        settings.app.PUBLIC_URL, hook_api.base_url))
    assert fetched.status_code == 200 and fetched.content == reel.read_bytes()
    assert done["result"]["reels"]["tiktok"]["hashtags"] == tags
