"""A schedule in a project: every job it fires is in the project too."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.schedules.client import runs, video_template
from tests.schedules.conftest import TickWorker
from tests.schedules.rows import add_photo
from tests.support.fixtures import Account


def test_jobs_a_schedule_fires_are_in_its_project(account: Account,
                                                  tick_worker: TickWorker) -> None:
    client = account.client
    project = client.post("/api/v1/projects", json={"name": "Memories"}).json()
    created = client.post("/api/v1/schedules", json={
        "name": "daily", "cron": "0 7 * * *", "timezone": "Europe/Berlin",
        "project_id": project["number"],
        "template": video_template({"source": "recent", "since": "P1D"})})
    assert created.status_code == 201, created.text
    schedule = created.json()
    assert schedule["project_id"] == project["id"]
    fire_at = datetime.fromisoformat(schedule["next_fire_at"])
    add_photo(account.user_id, fire_at - timedelta(hours=1))

    assert tick_worker.tick(fire_at) == [{"enqueued": 1}]

    [run] = runs(account, schedule["id"])
    job = client.get(f"/api/v1/tasks/{run['job_id']}").json()
    assert job["project_id"] == project["id"]
    listed = client.get(f"/api/v1/projects/{project['number']}/jobs").json()["items"]
    assert [j["id"] for j in listed] == [run["job_id"]]

    moved = client.patch(f"/api/v1/schedules/{schedule['id']}", json={"project_id": None})
    assert moved.status_code == 200 and moved.json()["project_id"] is None
    assert client.get(f"/api/v1/projects/{project['number']}/schedules").json() == []
