"""The original plan's submit bodies, sent exactly as the plan writes them (its `{...}`
as `{}`), on real workers: a registered user with projects 1 and 2.

Plan sections: "Submit Content Generation Task", "Task Workflows", "Priority Task
System" and "Batch Processing"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import Batch, Job, Workflow
from tests.support.fixtures import Account
from tests.support.processes import CeleryWorker
from tests.workflows.conftest import wait_workflow

# 30 s of narration rendered at the standard preset on a small box, twice over
REEL_DEADLINE_S = 480.0


@pytest.fixture(scope="module")
def script_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """Script writing, speech and per-platform optimisation (content and social queues)."""
    with CeleryWorker.running(name="plan", queues="content,social", concurrency=2,
                              log_dir=tmp_root / "logs") as proc:
        yield proc


def _project_ids(model: Any, ids: list[str]) -> dict[str, str | None]:
    """`project_id` of each row as stored."""
    engine = create_engine(settings.database.sync_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(model.id, model.project_id).where(model.id.in_(ids)))
            return {str(r.id): str(r.project_id) if r.project_id else None for r in rows}
    finally:
        engine.dispose()


def test_the_plans_submit_bodies_work_as_written(
        make_account: Callable[..., Account], worker: CeleryWorker,
        script_worker: CeleryWorker) -> None:
    account = make_account("free")  # the free plan caps priority at 5
    client = account.client
    one = client.post("/api/v1/projects", json={
        "name": "Tech explainers", "topic": "how solar panels work",
        "target_audience": "curious students", "voice": {"provider": "espeak"},
        "platforms": ["tiktok"]})
    two = client.post("/api/v1/projects", json={"name": "Tea", "topic": "green tea"})
    assert (one.status_code, two.status_code) == (201, 201), one.text + two.text
    p1, p2 = one.json(), two.json()
    assert (p1["number"], p2["number"]) == (1, 2)

    # "Submit Content Generation Task"
    content = client.post("/api/v1/tasks/submit/content", json={
        "project_id": 1, "topic": "AI Technology", "target_audience": "tech enthusiasts",
        "priority": 7})
    assert content.status_code == 202, content.text
    job = content.json()
    assert job["project_id"] == p1["id"] and job["priority"] == 5  # capped, not refused
    assert (job["params"]["topic"], job["params"]["audience"]) == (
        "AI Technology", "tech enthusiasts")

    # "Task Workflows"
    flow = client.post("/api/v1/tasks/submit/workflow", json={
        "project_id": 1, "voice_id": "rachel", "video_settings": {}})
    assert flow.status_code == 202, flow.text
    workflow = flow.json()
    assert workflow["params"]["topic"] == "how solar panels work"  # from the project
    assert workflow["params"]["voice"]["voice"] == "rachel"
    assert workflow["params"]["project_id"] == p1["id"]

    # "Priority Task System"
    video = client.post("/api/v1/tasks/submit/video", json={
        "project_id": 1, "priority": 10, "advanced": True})
    assert video.status_code == 202, video.text
    reel = video.json()
    assert reel["kind"] == "video" and reel["priority"] == 5 and reel["project_id"] == p1["id"]
    assert reel["workflow_id"] and reel["urls"]["workflow"].endswith(reel["workflow_id"])
    assert reel["urls"]["result"] == f"/api/v1/tasks/{reel['id']}/result"

    # "Batch Processing"
    batch = client.post("/api/v1/tasks/submit/batch", json={
        "task_type": "content",
        "items": [{"project_id": 1, "settings": {}}, {"project_id": 2, "settings": {}}]})
    assert batch.status_code == 202, batch.text
    items = batch.json()["items"]
    assert [i["kind"] for i in items] == ["content", "content"]
    item_jobs = [client.get(f"/api/v1/tasks/{i['id']}").json() for i in items]
    assert [j["params"]["topic"] for j in item_jobs] == ["how solar panels work", "green tea"]

    # every row carries its project
    assert _project_ids(Job, [job["id"], reel["id"]] + [i["id"] for i in items]) == {
        job["id"]: p1["id"], reel["id"]: p1["id"], items[0]["id"]: p1["id"],
        items[1]["id"]: p2["id"]}
    assert _project_ids(Workflow, [workflow["id"], reel["workflow_id"]]) == {
        workflow["id"]: p1["id"], reel["workflow_id"]: p1["id"]}
    assert _project_ids(Batch, [batch.json()["id"]]) == {batch.json()["id"]: None}

    # and the work runs
    assert account.wait_job(job["id"])["state"] == "succeeded"
    for item in items:
        assert account.wait_job(item["id"])["state"] == "succeeded"
    done = wait_workflow(client, workflow["id"], deadline_s=REEL_DEADLINE_S)
    assert done["state"] == "succeeded", done
    voice = next(s for s in done["steps"] if s["step"] == "voice")
    assert voice["result"]["voice"] == "en-us+f3"  # "rachel", spoken offline
    rendered = account.wait_job(reel["id"], deadline_s=REEL_DEADLINE_S)
    assert rendered["state"] == "succeeded", rendered
    assert client.get(reel["urls"]["result"]).status_code in (200, 307)
