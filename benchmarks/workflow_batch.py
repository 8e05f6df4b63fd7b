"""Batch throughput: 100 draft reels from one batch submit, and how busy the cores were.

Offline providers; workers as a two-core box runs them: `content` (1 process), `video`
(2 processes: the renders are what fill the cores) and `social` (1). Each item is a
15 s topic reel for TikTok with karaoke captions. CPU is sampled every second with
psutil: every core's busy share (whatever runs on it) and the share taken by this
benchmark's own process tree (API, workers, ffmpeg, espeak-ng), so a busy neighbour on
a shared machine shows up as the difference.

    python benchmarks/workflow_batch.py --reels 100
"""

from __future__ import annotations

import argparse
import threading
import time

import httpx
import psutil
from _platform import Platform, machine_facts
from workflow_overhead import APP, make_admin

GOAL_BUSY = 0.85
DEADLINE_S = 3600.0


class CpuSampler(threading.Thread):
    """Per-core busy fractions, and this benchmark's own CPU seconds, once a second."""

    def __init__(self, roots: list[psutil.Process]) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.cores: list[list[float]] = []
        self.own_s = 0.0
        self._seen: dict[int, float] = {}
        self._stop_event = threading.Event()

    def _tree_cpu_s(self) -> None:
        for root in self.roots:
            try:
                for proc in [root, *root.children(recursive=True)]:
                    times = proc.cpu_times()
                    total = times.user + times.system
                    self.own_s += total - self._seen.get(proc.pid, 0.0)
                    self._seen[proc.pid] = total
            except psutil.Error:
                continue  # a process that just ended: its last second is lost

    def run(self) -> None:
        psutil.cpu_percent(percpu=True)
        self._tree_cpu_s()
        while not self._stop_event.wait(1.0):
            self.cores.append([p / 100 for p in psutil.cpu_percent(percpu=True)])
            self._tree_cpu_s()

    def stop(self) -> None:
        self._stop_event.set()
        self.join(5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reels", type=int, default=100)
    args = parser.parse_args()
    print(machine_facts())
    with Platform() as platform:
        api = platform.start_api()
        workers = [platform.start_worker(app=APP, queues="content", name="content"),
                   platform.start_worker(app=APP, queues="video", concurrency=2, name="video"),
                   platform.start_worker(app=APP, queues="social", name="social")]
        account = platform.create_account()
        make_admin(platform, account.user_id)
        items = [{"overrides": {"topic": f"a surprising fact about octopuses, number {n}",
                                "seed": n}} for n in range(args.reels)]
        body = {"defaults": {"workflow": {"duration_s": 15, "platforms": ["tiktok"],
                                          "video": {"quality": "draft",
                                                    "captions": "karaoke"}}},
                "items": items}
        sampler = CpuSampler([api.process, *(w.process for w in workers)])
        with httpx.Client(base_url=platform.base_url, headers=account.headers,
                          timeout=120.0) as client:
            sampler.start()
            started = time.monotonic()
            answer = client.post("/api/v1/tasks/submit/batch", json=body)
            answer.raise_for_status()
            submit_s = time.monotonic() - started
            batch_id = answer.json()["id"]
            status = answer.json()
            while status["state"] == "running" and time.monotonic() - started < DEADLINE_S:
                time.sleep(1.0)  # polling interval of a bounded wait on the system of record
                status = client.get(f"/api/v1/batches/{batch_id}").json()
            wall_s = time.monotonic() - started
            sampler.stop()
    per_core = [sum(c[i] for c in sampler.cores) / len(sampler.cores)
                for i in range(len(sampler.cores[0]))]
    own = sampler.own_s / (wall_s * len(per_core))
    print(f"{args.reels} draft reels (15 s topic, karaoke captions, TikTok) in one batch")
    print(f"submit (202 for the whole batch): {submit_s:.2f} s")
    print(f"wall time: {wall_s:.1f} s, {args.reels / wall_s * 60:.1f} reels/min, "
          f"states {status['counts']}")
    print("cores busy: " + ", ".join(f"core {i} {b:.0%}" for i, b in enumerate(per_core))
          + f" (mean {sum(per_core) / len(per_core):.0%}, goal >= {GOAL_BUSY:.0%})")
    print(f"this benchmark's processes: {own:.0%} of both cores "
          f"({sampler.own_s:.0f} CPU s in {wall_s:.0f} s)")
    print("goal met" if min(per_core) >= GOAL_BUSY else "goal MISSED")


if __name__ == "__main__":
    main()
