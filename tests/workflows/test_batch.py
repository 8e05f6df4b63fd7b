"""A batch of 20 short draft reels on real workers; one fails at run time, 19 succeed."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx

from tests.support.processes import CeleryWorker

ITEMS = 20
BAD = 7  # this item names a voice espeak-ng does not have: its voice step fails


def wait_batch(client: httpx.Client, batch_id: str, deadline_s: float = 600.0) -> dict[str, Any]:
    end = time.monotonic() + deadline_s
    body: dict[str, Any] = {}
    while time.monotonic() < end:
        body = client.get(f"/api/v1/batches/{batch_id}").json()
        if body["state"] != "running":
            return body
        time.sleep(0.2)  # polling interval of a bounded wait on the system of record
    raise AssertionError(f"batch {batch_id} still running after {deadline_s}s: "
                         f"{body.get('counts')}")


def test_one_failing_item_does_not_stop_the_others(
        client: httpx.Client, workers: dict[str, CeleryWorker]) -> None:
    items: list[dict[str, Any]] = [
        {"overrides": {"script": f"Fact {n}. Octopuses have three hearts and blue blood.",
                       "seed": n}} for n in range(ITEMS)]
    items[BAD]["overrides"]["voice"] = {"voice": "zz-nowhere"}
    submitted = client.post("/api/v1/tasks/submit/batch", json={
        "defaults": {"workflow": {"platforms": ["tiktok"],
                                  "video": {"quality": "draft", "captions": "plain"},
                                  "voice": {"rate_wpm": 190}}},
        "items": items})
    assert submitted.status_code == 202, submitted.text
    batch = submitted.json()
    assert batch["item_count"] == ITEMS and batch["state"] == "running"
    assert [i["index"] for i in batch["items"]] == list(range(ITEMS))

    done = wait_batch(client, batch["id"])
    assert done["state"] == "partial"
    assert done["counts"] == {"succeeded": ITEMS - 1, "failed": 1}
    assert done["progress"] == 1.0
    failed = [i for i in done["items"] if i["state"] == "failed"]
    assert [i["index"] for i in failed] == [BAD]
    assert failed[0]["error"]["step"] == "voice"
    assert failed[0]["error"]["code"] == "unknown_voice"

    workflow = client.get(f"/api/v1/workflows/{done['items'][0]['id']}").json()
    assert workflow["batch_id"] == batch["id"]
    assert workflow["params"]["voice"]["rate_wpm"] == 190  # the shared default applied
    bad = client.get(f"/api/v1/workflows/{failed[0]['id']}").json()
    assert Counter(s["state"] for s in bad["steps"]) == {"succeeded": 1, "failed": 1,
                                                         "cancelled": 2}
