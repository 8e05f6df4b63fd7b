"""The local scaler resizes a real worker's pool through Celery remote control."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import settings
from tests.ops.pools import consumed_queues, pool_size, wait_pool
from tests.support.fixtures import Account
from tests.support.jobs import cancel_waiting
from tests.support.processes import CeleryWorker

URL = "/api/v1/admin/scale"


@pytest.fixture
def gpu_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """A worker of its own on the gpu queue, which nothing else in these tests consumes."""
    cancel_waiting("gpu")  # 4K submits of other tests: a backlog would keep it busy
    with CeleryWorker.running(name="gpu", queues="gpu", concurrency=1,
                              log_dir=tmp_root / "logs") as proc:
        yield proc


def test_scale_to_three_then_one_changes_the_pool(admin_account: Account,
                                                  gpu_worker: CeleryWorker) -> None:
    assert pool_size(gpu_worker.hostname) == 1
    grown = admin_account.client.post(URL, json={"queue": "gpu", "desired_workers": 3})
    assert grown.status_code == 200, grown.text
    assert grown.json()["desired_workers"] == 3
    wait_pool(gpu_worker.hostname, 3)

    shrunk = admin_account.client.post(URL, params={"queue_name": "gpu", "desired_workers": 1})
    assert shrunk.status_code == 200, shrunk.text
    wait_pool(gpu_worker.hostname, 1)
    body = shrunk.json()
    assert (body["backend"], body["desired_workers"]) == ("local", 1)
    assert [w["hostname"] for w in body["workers"]] == [gpu_worker.hostname]

    page = admin_account.client.get(URL, params={"queue_name": "gpu"}).json()
    assert page["backend"] == "local"
    [gpu] = page["items"]
    assert (gpu["desired_workers"], gpu["observed_workers"], gpu["settled"]) == (1, 1, True)


def test_zero_pauses_the_queue_and_scaling_up_resumes_it(admin_account: Account,
                                                         gpu_worker: CeleryWorker) -> None:
    paused = admin_account.client.post(URL, json={"queue": "gpu", "desired_workers": 0})
    assert paused.status_code == 200, paused.text
    assert paused.json()["observed_workers"] == 0
    assert paused.json()["paused"] == [gpu_worker.hostname]
    assert "gpu" not in consumed_queues(gpu_worker.hostname)

    resumed = admin_account.client.post(URL, json={"queue": "gpu", "desired_workers": 2})
    assert resumed.status_code == 200, resumed.text
    assert "gpu" in consumed_queues(gpu_worker.hostname)
    wait_pool(gpu_worker.hostname, 2)
    assert resumed.json()["paused"] == []


def test_an_autoscaling_worker_gets_its_range_pinned(admin_account: Account,
                                                     tmp_root: Path) -> None:
    proc = CeleryWorker.start(name="gpu-auto", queues="gpu", concurrency=1,
                              log_dir=tmp_root / "logs", extra=["--autoscale=2,1"])
    try:
        answer = admin_account.client.post(URL, json={"queue": "gpu", "desired_workers": 3})
        assert answer.status_code == 200, answer.text
        wait_pool(proc.hostname, 3)
        [worker] = answer.json()["workers"]
        assert (worker["autoscale_max"], worker["autoscale_min"]) == (3, 3)
    finally:
        proc.stop()


@pytest.mark.parametrize(("params", "body", "field"), [
    ({}, {"queue": "gpu", "desired_workers": -1}, "desired_workers"),
    ({}, {"queue": "gpu", "desired_workers": settings.scaling.SCALE_MAX_WORKERS + 1},
     "desired_workers"),
    ({}, {"queue": "nope", "desired_workers": 1}, "queue"),
    ({}, {"queue": "gpu"}, "desired_workers"),
    ({"queue_name": "nope", "desired_workers": 1}, None, "queue_name"),
    ({"queue_name": "gpu", "desired_workers": 10_000}, None, "desired_workers"),
    ({"desired_workers": 1}, None, "queue_name"),
    ({"queue_name": "gpu"}, None, "desired_workers"),
])
def test_invalid_scale_requests_name_the_field(admin_account: Account, params: dict[str, object],
                                               body: dict[str, object] | None,
                                               field: str) -> None:
    answer = admin_account.client.post(URL, params=params, json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["field"] == field


def test_a_queue_nobody_consumes_is_a_conflict(admin_account: Account) -> None:
    answer = admin_account.client.post(URL, json={"queue": "social", "desired_workers": 2})
    assert answer.status_code == 409, answer.text
    assert (answer.json()["error"]["code"], answer.json()["error"]["field"]) == \
        ("no_workers", "queue")


def test_scaling_needs_the_admin_role(account: Account) -> None:
    assert account.client.post(URL, json={"queue": "gpu", "desired_workers": 1}).status_code \
        == 403
    assert account.client.get(URL).status_code == 403
