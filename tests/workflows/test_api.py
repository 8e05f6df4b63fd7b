"""Workflow, batch, voice and single-step routes: validation, ownership, idempotency."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker


def test_voices_lists_the_offline_provider_with_its_default(client: httpx.Client) -> None:
    voices = client.get("/api/v1/voices")
    assert voices.status_code == 200, voices.text
    espeak = [v for v in voices.json() if v["provider"] == "espeak"]
    assert any(v["id"] == "en-us" for v in espeak)
    assert [v["id"] for v in espeak if v["default"]] == ["en-us"]


def test_submit_refuses_bad_bodies_naming_the_field(client: httpx.Client) -> None:
    both = client.post("/api/v1/tasks/submit/workflow", json={"topic": "tea", "script": "Hi."})
    assert both.status_code == 422
    neither = client.post("/api/v1/tasks/submit/workflow", json={"platforms": ["tiktok"]})
    assert neither.status_code == 422
    platform = client.post("/api/v1/tasks/submit/workflow",
                           json={"topic": "tea", "platforms": ["myspace"]})
    assert platform.status_code == 422 and platform.json()["error"]["field"] == "platforms.0"
    provider = client.post("/api/v1/tasks/submit/workflow",
                           json={"topic": "tea", "voice": {"provider": "elevenlabs"}})
    assert provider.status_code == 422
    assert provider.json()["error"]["field"] == "voice.provider"
    hook = client.post("/api/v1/tasks/submit/workflow",
                       json={"topic": "tea", "publish": {"url": "ftp://example.com/x"}})
    assert hook.status_code == 422 and hook.json()["error"]["field"] == "publish.url"


def test_batch_items_are_validated_with_their_index(client: httpx.Client) -> None:
    answer = client.post("/api/v1/tasks/submit/batch", json={
        "defaults": {"workflow": {"topic": "tea", "video": {"quality": "draft"}}},
        "items": [{}, {"overrides": {"video": {"quality": "cinema"}}}]})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == "items[1].video.quality"
    too_many = client.post("/api/v1/tasks/submit/batch",
                           json={"items": [{"overrides": {"topic": "tea"}}] * 501})
    assert too_many.status_code == 422 and too_many.json()["error"]["field"] == "items"


def test_workflows_and_batches_of_others_read_as_not_found(
        client: httpx.Client, make_account: Callable[..., Account]) -> None:
    script = {"script": "Tea is old. People still drink it every day."}
    workflow = client.post("/api/v1/tasks/submit/workflow", json=script).json()
    batch = client.post("/api/v1/tasks/submit/batch",
                        json={"items": [{"overrides": script}]}).json()
    other = make_account().client
    for path in (f"/api/v1/workflows/{workflow['id']}", f"/api/v1/batches/{batch['id']}"):
        assert other.get(path).status_code == 404
    assert other.delete(f"/api/v1/workflows/{workflow['id']}").status_code == 404
    assert other.post(f"/api/v1/tasks/{workflow['id']}/retry").status_code == 404
    cancelled = client.delete(f"/api/v1/workflows/{workflow['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert {s["state"] for s in cancelled.json()["steps"]} == {"cancelled"}
    again = client.delete(f"/api/v1/workflows/{workflow['id']}")
    assert again.status_code == 409


def test_idempotency_key_replays_the_same_workflow(client: httpx.Client) -> None:
    body = {"script": "Tea is old. People still drink it every day."}
    headers = {"Idempotency-Key": "workflow-once"}
    first = client.post("/api/v1/tasks/submit/workflow", json=body, headers=headers)
    second = client.post("/api/v1/tasks/submit/workflow", json=body, headers=headers)
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"]
    other = client.post("/api/v1/tasks/submit/workflow", json={**body, "tone": "funny"},
                        headers=headers)
    assert other.status_code == 409
    batch = client.post("/api/v1/tasks/submit/batch", json={"items": [{"overrides": body}]},
                        headers={"Idempotency-Key": "batch-once"})
    replay = client.post("/api/v1/tasks/submit/batch", json={"items": [{"overrides": body}]},
                         headers={"Idempotency-Key": "batch-once"})
    assert (batch.status_code, replay.status_code) == (202, 200)
    assert batch.json()["id"] == replay.json()["id"]
    client.delete(f"/api/v1/workflows/{first.json()['id']}")
    client.delete(f"/api/v1/workflows/{batch.json()['items'][0]['id']}")


def test_single_content_and_speech_steps(account: Account, client: httpx.Client,
                                         content_worker: CeleryWorker) -> None:
    jobs = {}
    for operation in ("generate", "hashtags", "analyze", "variations"):
        answer = client.post("/api/v1/tasks/submit/content",
                             json={"operation": operation, "topic": "how tea is made",
                                   "duration_s": 20, "variants": 2})
        assert answer.status_code == 202, answer.text
        assert answer.json()["queue"] == "content"
        jobs[operation] = answer.json()["id"]
    tts = client.post("/api/v1/tasks/submit/tts", json={"text": "Tea leaves are picked by hand."})
    assert tts.status_code == 202 and tts.json()["task_name"] == "speech.synthesize"
    done = {name: account.wait_job(job_id) for name, job_id in
            {**jobs, "tts": tts.json()["id"]}.items()}
    assert {name: job["state"] for name, job in done.items()} == dict.fromkeys(done, "succeeded")
    assert len(done["generate"]["result"]["segments"]) >= 5  # hook, 3+ beats, call to action
    assert done["hashtags"]["result"]["hashtags"][0].startswith("#")
    assert done["analyze"]["result"]["analysis"]["word_count"] > 0
    hooks = [s["hook"] for s in done["variations"]["result"]["scripts"]]
    assert len(set(hooks)) == 2
    speech = done["tts"]["result"]
    assert [w[0] for w in speech["words"]] == ["Tea", "leaves", "are", "picked", "by", "hand"]
    assert speech["duration_s"] > 1.0
    audio = client.get(f"/api/v1/tasks/{tts.json()['id']}/result", follow_redirects=True)
    assert audio.status_code == 200 and audio.headers["content-type"] == "audio/wav"
    assert audio.content[:4] == b"RIFF" and audio.content[8:12] == b"WAVE"
    assert f"reelforge-{tts.json()['id']}.wav" in audio.headers["content-disposition"]


def test_each_retry_of_a_workflow_counts_as_a_video_submit(
        make_account: Callable[..., Account]) -> None:
    """Cancel-then-retry is no way round the free plan's 5 videos an hour."""
    free = make_account(plan="free").client
    workflow = free.post("/api/v1/tasks/submit/workflow",
                         json={"script": "Tea is old. People still drink it every day."})
    assert workflow.status_code == 202, workflow.text
    path = f"/api/v1/workflows/{workflow.json()['id']}"
    answers = []
    for _ in range(5):
        assert free.delete(path).status_code == 200
        answers.append(free.post(f"/api/v1/tasks/{workflow.json()['id']}/retry"))
    assert [a.status_code for a in answers] == [202] * 4 + [429], answers[-1].text
    assert "5 video submits per hour" in answers[-1].json()["error"]["message"]
    assert free.get(path).json()["state"] == "cancelled"  # the refused retry changed nothing
