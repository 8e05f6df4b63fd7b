"""Submits that name a project: its settings fill what the request leaves out (the
request wins field by field), the rows carry the project, the project's lists show them,
and deleting a project with running work is refused unless asked to cancel it.

No worker consumes these queues here: the jobs stay queued, which is what the delete
rules need to see."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import create_engine, text

from app.core.config import settings
from tests.support.fixtures import Account
from tests.support.jobs import upload_images
from tests.support.media import tone_wav

P = "/api/v1/projects"
SUBMIT = "/api/v1/tasks/submit"
SCHEDULE = {"name": "daily", "cron": "0 7 * * *",
            "template": {"images": {"source": "recent", "since": "P1D"}}}


def _project(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    answer = client.post(P, json={"name": f"p{len(client.get(P).json())}", **fields})
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _post(client: httpx.Client, path: str, body: dict[str, Any]) -> dict[str, Any]:
    answer = client.post(path, json=body)
    assert answer.status_code in (201, 202), answer.text
    out: dict[str, Any] = answer.json()
    return out


def _steps(client: httpx.Client, workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each step's job as GET /tasks/{id} shows it (with params and project_id)."""
    return {s["step"]: client.get(f"/api/v1/tasks/{s['job_id']}").json()
            for s in workflow["steps"]}


def test_project_settings_are_defaults_the_request_overrides(account: Account) -> None:
    client = account.client
    bed = account.upload(tone_wav(1.0), "bed.wav").json()["id"]
    project = _project(
        client, topic="tea ceremonies", audience="tea lovers", tone="dramatic",
        language="en-GB", voice={"provider": "espeak", "voice": "en-gb", "rate_wpm": 150},
        platforms=["youtube", "reels"],
        brand={"colors": {"primary": "#101010", "text": "#ffffff"},
               "captions": {"style": "boxed", "color": "#ffff00"},
               "music": {"asset_id": bed, "volume_db": -12}})
    number, pid = project["number"], project["id"]

    plain = _post(client, f"{SUBMIT}/content", {"project_id": number})
    assert plain["project_id"] == pid
    assert {k: plain["params"][k] for k in ("topic", "audience", "tone", "language",
                                            "platform")} == {
        "topic": "tea ceremonies", "audience": "tea lovers", "tone": "dramatic",
        "language": "en-GB", "platform": "youtube"}
    own = _post(client, f"{SUBMIT}/content", {"project_id": pid, "topic": "green tea",
                                              "tone": "funny", "platform": "tiktok"})
    assert (own["params"]["topic"], own["params"]["tone"], own["params"]["platform"]) == (
        "green tea", "funny", "tiktok")
    assert own["params"]["audience"] == "tea lovers"  # not sent: the project's

    workflow = _post(client, f"{SUBMIT}/workflow", {
        "project_id": number, "voice": {"rate_wpm": 200}, "platforms": ["tiktok"],
        "brand": {"captions": {"color": "#00ff00"}, "music": None}})
    steps = _steps(client, workflow)
    assert set(steps) == {"content", "voice", "render", "optimize:tiktok"}
    assert all(job["project_id"] == pid for job in steps.values())
    assert steps["content"]["params"]["topic"] == "tea ceremonies"
    assert steps["voice"]["params"]["voice"] == {"provider": "espeak", "voice": "en-gb",
                                                 "rate_wpm": 200}
    assert steps["render"]["params"]["brand"] == {
        "colors": {"primary": "#101010", "text": "#ffffff"},
        "captions": {"style": "boxed", "color": "#00ff00"}}  # music removed by the request
    assert workflow["params"]["project_id"] == pid

    kit = _steps(client, _post(client, f"{SUBMIT}/workflow", {"project_id": pid}))
    assert kit["render"]["params"]["brand"]["music"]["asset_id"] == bed
    assert set(kit) == {"content", "voice", "render", "optimize:youtube",
                        "optimize:reels"}

    script = _steps(client, _post(client, f"{SUBMIT}/workflow", {
        "project_id": pid, "script": "Tea is old. People still drink it."}))
    assert script["content"]["params"]["topic"] is None
    assert script["content"]["params"]["script"].startswith("Tea is old")

    speech = _post(client, f"{SUBMIT}/tts", {"text": "Hello tea.", "project_id": number})
    assert speech["params"]["voice"]["voice"] == "en-gb" and speech["project_id"] == pid

    images = upload_images(account, 2)
    slideshow = _post(client, f"{SUBMIT}/video", {"project_id": number, "asset_ids": images,
                                                 "advanced": True})
    assert slideshow["project_id"] == pid and slideshow["params"]["audio_asset_id"] == bed
    without = _post(client, f"{SUBMIT}/video", {"project_id": number, "asset_ids": images})
    assert without["params"]["audio_asset_id"] is None

    bare = _project(client)
    missing = client.post(f"{SUBMIT}/content", json={"project_id": bare["number"]})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "topic"
    stray = client.post(f"{SUBMIT}/video", json={"project_id": number, "fps": 60})
    assert stray.status_code == 422 and stray.json()["error"]["field"] == "fps"
    unknown = client.post(f"{SUBMIT}/content", json={"project_id": 999, "topic": "tea"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "project_id"


def test_lists_per_project(account: Account) -> None:
    client = account.client
    a = _project(client, topic="tea")
    b = _project(client, topic="coffee")
    content = _post(client, f"{SUBMIT}/content", {"project_id": a["number"]})
    _post(client, f"{SUBMIT}/content", {"project_id": b["number"]})
    workflow = _post(client, f"{SUBMIT}/workflow", {"project_id": a["id"]})
    mixed = _post(client, f"{SUBMIT}/batch", {"task_type": "content", "items": [
        {"project_id": a["number"], "settings": {}}, {"project_id": b["number"]}]})
    only_a = _post(client, f"{SUBMIT}/batch", {"items": [
        {"kind": "content", "project_id": a["number"]}]})
    schedule = _post(client, "/api/v1/schedules", {**SCHEDULE, "project_id": a["number"]})
    assert schedule["project_id"] == a["id"]
    assert mixed["project_id"] is None and only_a["project_id"] == a["id"]

    def page_through(path: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            answer = client.get(path, params={**params, "limit": 2,
                                              **({"cursor": cursor} if cursor else {})})
            assert answer.status_code == 200, answer.text
            items += answer.json()["items"]
            cursor = answer.json()["next_cursor"]
            if cursor is None:
                return items

    jobs = page_through(f"{P}/{a['number']}/jobs")
    # content, four workflow steps, one item of each batch
    assert len(jobs) == len({j["id"] for j in jobs}) == 7
    assert {j["project_id"] for j in jobs} == {a["id"]}
    assert content["id"] in {j["id"] for j in jobs}
    scripts = page_through(f"{P}/{a['id']}/jobs", kind="content")
    assert len(scripts) == 4 and {j["kind"] for j in scripts} == {"content"}
    by_filter = page_through("/api/v1/tasks", project_id=str(a["number"]))
    assert {j["id"] for j in by_filter} == {j["id"] for j in jobs}

    workflows = client.get(f"{P}/{a['number']}/workflows").json()["items"]
    assert [w["id"] for w in workflows] == [workflow["id"]]
    assert client.get(f"{P}/{b['number']}/workflows").json()["items"] == []
    batches_a = [x["id"] for x in client.get(f"{P}/{a['number']}/batches").json()["items"]]
    batches_b = [x["id"] for x in client.get(f"{P}/{b['number']}/batches").json()["items"]]
    assert batches_a == [only_a["id"], mixed["id"]] and batches_b == [mixed["id"]]
    assert [s["id"] for s in client.get(f"{P}/{a['number']}/schedules").json()] == [
        schedule["id"]]
    assert client.get(f"{P}/{b['number']}/schedules").json() == []


def test_delete_is_refused_while_work_runs_unless_cancelled(account: Account) -> None:
    client = account.client
    project = _project(client, topic="tea")
    job = _post(client, f"{SUBMIT}/content", {"project_id": project["number"]})
    workflow = _post(client, f"{SUBMIT}/workflow", {"project_id": project["number"]})
    schedule = _post(client, "/api/v1/schedules", {**SCHEDULE, "project_id": project["id"]})

    refused = client.delete(f"{P}/{project['number']}")
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "project_busy" and error["field"] == "project_id"
    assert ("1 running job, 1 running workflow and 1 enabled schedule"
            in error["message"]), error["message"]
    assert client.get(f"{P}/{project['number']}").status_code == 200

    done = client.delete(f"{P}/{project['number']}", params={"cancel": "true"})
    assert done.status_code == 200, done.text
    assert done.json()["cancelled_jobs"] == [job["id"]]
    assert done.json()["cancelled_workflows"] == [workflow["id"]]
    assert done.json()["disabled_schedules"] == [schedule["id"]]
    assert client.get(f"{P}/{project['number']}").status_code == 404
    after = client.get(f"/api/v1/tasks/{job['id']}").json()
    assert after["state"] == "cancelled" and after["project_id"] is None
    assert client.get(f"/api/v1/workflows/{workflow['id']}").json()["state"] == "cancelled"
    paused = client.get(f"/api/v1/schedules/{schedule['id']}").json()
    assert paused["enabled"] is False and paused["project_id"] is None


def test_finished_work_does_not_hold_a_delete(account: Account) -> None:
    client = account.client
    project = _project(client, topic="tea")
    job = _post(client, f"{SUBMIT}/content", {"project_id": project["id"]})
    assert client.delete(f"/api/v1/tasks/{job['id']}").status_code == 200  # now final
    paused = _post(client, "/api/v1/schedules", {**SCHEDULE, "enabled": False,
                                                 "project_id": project["id"]})
    deleted = client.delete(f"{P}/{project['id']}")
    assert deleted.status_code == 200, deleted.text
    assert deleted.json()["cancelled_jobs"] == []
    kept = client.get(f"/api/v1/tasks/{job['id']}").json()
    assert kept["state"] == "cancelled" and kept["project_id"] is None
    assert client.get(f"/api/v1/schedules/{paused['id']}").json()["project_id"] is None


def test_a_reel_replays_by_key_and_aliases_are_checked(account: Account) -> None:
    client = account.client
    project = _project(client, topic="tea")
    key = {"Idempotency-Key": "reel-1"}
    body = {"project_id": project["number"], "advanced": True}
    first = client.post(f"{SUBMIT}/video", json=body, headers=key)
    again = client.post(f"{SUBMIT}/video", json=body, headers=key)
    assert (first.status_code, again.status_code) == (202, 200), again.text
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["task_name"] == "video.reel"
    reel = client.get(first.json()["urls"]["workflow"]).json()
    render = next(s for s in reel["steps"] if s["step"] == "render")
    assert render["job_id"] == first.json()["id"]
    assert client.get(f"/api/v1/tasks/{render['job_id']}").json()["params"]["transition"] \
        == "fade"
    plain = _post(client, f"{SUBMIT}/video", {"project_id": project["number"]})
    assert plain["params"]["transition"] == "none"  # without `advanced`: cuts

    both = client.post(f"{SUBMIT}/workflow", json={"project_id": project["id"],
                                                   "voice_id": "rachel",
                                                   "voice": {"voice": "en-gb"}})
    assert both.status_code == 422 and "voice_id" in both.json()["error"]["message"]
    twice = client.post(f"{SUBMIT}/batch", json={"items": [
        {"settings": {"topic": "tea"}, "overrides": {"topic": "coffee"}}]})
    assert twice.status_code == 422, twice.text


def test_a_delete_waits_for_work_being_added_and_counts_it(account: Account) -> None:
    """A submit in flight holds the project (key share) until it commits; the delete locks
    the project first, so it counts that work instead of orphaning it."""
    client = account.client
    project = _project(client, topic="tea")
    job = _post(client, f"{SUBMIT}/content", {"topic": "tea"})
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.connect() as submit, engine.connect() as watch, \
                ThreadPoolExecutor(max_workers=1) as pool:
            held = submit.begin()  # what a submit naming the project holds until commit
            submit.execute(text("SELECT id FROM projects WHERE id = :p FOR KEY SHARE"),
                           {"p": project["id"]})
            submit.execute(text("UPDATE jobs SET project_id = :p WHERE id = :j"),
                           {"p": project["id"], "j": job["id"]})
            pending = pool.submit(client.delete, f"{P}/{project['id']}")
            end = time.monotonic() + 30
            while not watch.scalar(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND query LIKE '%FROM projects%FOR UPDATE%'")):
                watch.rollback()  # statistics are a snapshot per transaction
                assert time.monotonic() < end and not pending.done(), "delete never waited"
                time.sleep(0.02)  # polling interval of a bounded wait on PostgreSQL
            held.commit()
            answer = pending.result(timeout=30)
    finally:
        engine.dispose()
    assert answer.status_code == 409, answer.text
    assert "1 running job" in answer.json()["error"]["message"]
