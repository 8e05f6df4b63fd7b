"""Long renders as segment jobs on real video workers: the render reports how many segments
it rendered and how many came from the owner's cache, an edit renders only what it
touched, and cancelling the render stops its segments."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import psutil
import pytest

from app.core.config import settings
from tests.support.fixtures import Account
from tests.support.jobs import cancel_waiting, job_row, upload_images
from tests.support.processes import CeleryWorker

FINAL = {"succeeded", "failed", "cancelled", "dead"}


@pytest.fixture(scope="module")
def second_worker(tmp_root: Path, worker: CeleryWorker) -> Iterator[CeleryWorker]:
    """A second one-slot video worker beside the session's, so segments run on both."""
    with CeleryWorker.running(name="segments", queues="video", concurrency=1,
                              log_dir=tmp_root / "logs") as proc:
        yield proc


def _timeline(images: list[str], scenes: int, *, text_at: int | None = None,
              words: str = "", quality: str = "draft") -> dict[str, Any]:
    out: list[dict[str, Any]] = []
    for i in range(scenes):
        scene: dict[str, Any] = {"kind": "image", "asset": images[i % len(images)],
                                 "duration_s": 2.0,
                                 "motion": {"kind": "zoom_in", "amount": 0.08}}
        if i % 4 == 3:
            scene["transition"] = {"kind": "none"}
        if i == text_at:
            scene["text"] = {"text": words}
        out.append(scene)
    return {"scenes": out, "transition": {"kind": "fade", "duration_s": 0.4},
            "output": {"preset": "square", "quality": quality, "fps": 30}}


def _render(account: Account, timeline: dict[str, Any]) -> dict[str, Any]:
    answer = account.client.post("/api/v1/tasks/submit/video", json={"timeline": timeline})
    assert answer.status_code == 202, answer.text
    return answer.json()


def _segments(account: Account, parent: str) -> list[dict[str, Any]]:
    items = account.client.get("/api/v1/tasks", params={"kind": "segment",
                                                         "limit": 100}).json()["items"]
    return [j for j in items if j["id"] != parent]


def _frames(account: Account, job_id: str, folder: Path) -> int:
    answer = account.client.get(f"/api/v1/tasks/{job_id}/result", follow_redirects=True)
    assert answer.status_code == 200
    path = folder / f"{job_id}.mp4"
    path.write_bytes(answer.content)
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def test_a_long_render_is_rendered_in_segments_and_an_edit_reuses_them(
        account: Account, admin_account: Account, second_worker: CeleryWorker,
        tmp_path: Path) -> None:
    assert settings.render.RENDER_SEGMENT_S == 6.0  # the defaults the workers run with
    images = upload_images(account, 3)
    timeline = _timeline(images, 12, text_at=10, words="First cut")
    first = account.wait_job(_render(account, timeline)["id"], deadline_s=180)
    assert first["state"] == "succeeded", first
    counts = first["result"]["segments"]
    assert counts["total"] >= 2 and (counts["rendered"], counts["cached"]) == (counts["total"],
                                                                               0)
    # 12 scenes of 60 frames, 9 fades of 12 frames (every fourth boundary is a cut)
    expected = 12 * 60 - 9 * 12
    assert _frames(account, first["id"], tmp_path) == expected
    # the render's list leaves its segments out; they are real jobs of their own
    listed = account.client.get("/api/v1/tasks", params={"limit": 100}).json()["items"]
    assert [j["kind"] for j in listed] == ["video"]
    parts = _segments(account, first["id"])
    assert len(parts) == counts["total"]
    assert all(p["state"] == "succeeded" for p in parts)
    cache = admin_account.client.get("/api/v1/tasks/stats/segment-cache").json()
    assert cache["objects"] >= counts["total"] and cache["bytes"] > 0 and cache["users"] >= 1
    assert account.client.get("/api/v1/tasks/stats/segment-cache").status_code == 403

    again = account.wait_job(_render(account, timeline)["id"], deadline_s=180)
    assert again["result"]["segments"] == {"total": counts["total"], "rendered": 0,
                                           "cached": counts["total"]}
    assert _frames(account, again["id"], tmp_path) == expected

    edited = account.wait_job(_render(account, _timeline(images, 12, text_at=10,
                                                          words="Second cut"))["id"],
                              deadline_s=180)
    assert edited["state"] == "succeeded", edited
    # the segment the scene lies in, and the one before it when that one ends in the
    # transition into the scene
    rendered = edited["result"]["segments"]["rendered"]
    assert 1 <= rendered <= 2 < counts["total"]
    assert edited["result"]["segments"]["cached"] == counts["total"] - rendered
    assert _frames(account, edited["id"], tmp_path) == expected


def test_cancelling_a_render_stops_its_segments(account: Account,
                                                second_worker: CeleryWorker) -> None:
    images = upload_images(account, 2)
    job = _render(account, _timeline(images, 40))
    deadline = time.monotonic() + 120
    while not any(p["state"] in {"started", "progress"} for p in _segments(account, job["id"])):
        assert time.monotonic() < deadline, "no segment started"
        time.sleep(0.1)  # polling interval of a bounded wait on the system of record
    answer = account.client.delete(f"/api/v1/tasks/{job['id']}")
    assert answer.status_code == 200, answer.text
    parent = account.wait_job(job["id"])
    assert parent["state"] == "cancelled"
    parts = _segments(account, job["id"])
    assert len(parts) >= 4
    for part in parts:
        ended = account.wait_job(part["id"], deadline_s=60)
        assert ended["state"] in {"cancelled", "succeeded"}
    assert sum(account.client.get(f"/api/v1/tasks/{p['id']}").json()["state"] == "cancelled"
               for p in parts) >= 2
    # the workers are free again: a short render goes through
    short = account.wait_job(_render(account, _timeline(images, 2))["id"], deadline_s=120)
    assert short["state"] == "succeeded"
    assert short["result"]["segments"] == {"total": 1, "rendered": 1, "cached": 0}


def test_a_worker_killed_in_a_segment_costs_only_that_segment(
        account: Account, worker: CeleryWorker, second_worker: CeleryWorker,
        tmp_path: Path) -> None:
    images = upload_images(account, 3)
    job = _render(account, _timeline(images, 24, quality="standard"))
    deadline = time.monotonic() + 120
    victim, owner = None, ""
    while victim is None:  # a segment another worker process renders than the render's own
        assert time.monotonic() < deadline, "no segment ran beside the render"
        parent = job_row(uuid.UUID(job["id"])).worker or ""
        for part in _segments(account, job["id"]):
            row = job_row(uuid.UUID(part["id"]))
            if row.state in {"started", "progress"} and row.worker and row.worker != parent:
                victim, owner = part["id"], row.worker
                break
        time.sleep(0.05)  # polling interval of a bounded wait on the system of record
    pid = int(owner.split("#")[1].split(".")[0])  # owners read "<worker>#<pid>.<token>"
    assert pid in {c.pid for w in (worker, second_worker)
                   for c in psutil.Process(w.proc.pid).children()}
    os.kill(pid, signal.SIGKILL)

    done = account.wait_job(job["id"], deadline_s=240)
    assert done["state"] == "succeeded", done
    counts = done["result"]["segments"]
    assert counts["rendered"] == counts["total"] >= 4
    # 24 scenes of 60 frames, 18 fades of 12 frames: exact however the parts were made
    assert _frames(account, job["id"], tmp_path) == 24 * 60 - 18 * 12
    parts = {p["id"]: account.client.get(f"/api/v1/tasks/{p['id']}").json()
             for p in _segments(account, job["id"])}
    lost = parts[victim]
    assert lost["state"] == "succeeded"
    assert lost["attempt_log"][0]["error"] == {"code": "worker_lost"}
    # only the killed segment ran twice
    assert [p["attempts"] for i, p in parts.items() if i != victim] == [1] * (len(parts) - 1)


def test_an_ultra_render_splits_onto_the_gpu_queue(account: Account, tmp_root: Path) -> None:
    """`ultra` renders and their segments stay on the gpu queue; the encoder is the one the
    render's probe chose (NVENC where a probe encode works, here as on the worker)."""
    from app.media.encoders import nvenc_available

    cancel_waiting("gpu")  # 4K submits of other tests would be rendered first
    scenes = [{"kind": "card", "color": f"#{40 * i:02x}3060", "duration_s": 2.0}
              for i in range(5)]
    timeline = {"scenes": scenes, "transition": {"kind": "none"},
                "output": {"preset": "square", "quality": "ultra"}}
    with CeleryWorker.running(name="gpu-segments", queues="gpu", concurrency=1,
                              log_dir=tmp_root / "logs"):
        job = _render(account, timeline)
        assert job["queue"] == "gpu"
        done = account.wait_job(job["id"], deadline_s=300)
    assert done["state"] == "succeeded", done
    assert done["result"]["segments"] == {"total": 2, "rendered": 2, "cached": 0}
    assert done["result"]["gpu"] is nvenc_available("h264_nvenc")
    assert (done["result"]["width"], done["result"]["height"]) == (2160, 2160)
    parts = _segments(account, job["id"])
    assert [(p["queue"], p["state"]) for p in parts] == [("gpu", "succeeded")] * 2
