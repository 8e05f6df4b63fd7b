"""The topic → reel half of storage_compare.py: one workflow end to end on each backend.

A run submits a workflow with a fixed script (the content step reads it as given, no LLM),
espeak-ng's voice-over, a draft (540x960, 24 fps) TikTok render with karaoke captions and
one optimise step, and polls GET /api/v1/workflows/{id} until its state is final. Every
step reads what the one before wrote from the store, so each hop crosses the backend.
"""

from __future__ import annotations

import statistics
import time
from datetime import datetime
from typing import Any

import httpx
from _storage_setup import Deployment

# 52 words: about 16 s of espeak-ng at ESPEAK_RATE_WPM = 165
SCRIPT = ("Light from the sun holds every colour. Air molecules scatter short blue waves "
          "far more than long red ones. So blue light reaches your eyes from every part "
          "of the sky. At sunset the light crosses more air, the blue is scattered away, "
          "and the reds and oranges are what is left.")
BODY = {"script": SCRIPT, "platforms": ["tiktok"], "seed": 1,
        "video": {"platform": "tiktok", "quality": "draft", "captions": "karaoke"}}
FINAL = {"succeeded", "failed", "cancelled"}
DEADLINE_S = 600.0
POLL_S = 0.05


def _spans(steps: list[dict[str, Any]]) -> dict[str, float]:
    """Each step's run time (claim to finish) from its job row."""
    return {s["step"]: (datetime.fromisoformat(s["finished_at"])
                        - datetime.fromisoformat(s["started_at"])).total_seconds()
            for s in steps if s["started_at"] and s["finished_at"]}


def reel(deployment: Deployment) -> tuple[float, dict[str, float]]:
    """(submit to final state seconds, run time per step) of one workflow on `deployment`."""
    base, headers = deployment.base_url, deployment.headers
    started = time.monotonic()
    submitted = httpx.post(f"{base}/api/v1/tasks/submit/workflow", headers=headers,
                           json=BODY, timeout=30.0)
    if submitted.status_code != 202:
        raise SystemExit(f"workflow submit failed: {submitted.status_code} "
                         f"{submitted.text[:500]}")
    workflow_id = submitted.json()["id"]
    deadline = started + DEADLINE_S
    while time.monotonic() < deadline:
        body = httpx.get(f"{base}/api/v1/workflows/{workflow_id}", headers=headers,
                         timeout=30.0).json()
        if body["state"] in FINAL:
            done = time.monotonic()
            if body["state"] != "succeeded":
                logs = "\n".join(w.log_tail() for w in deployment.workers())
                raise SystemExit(f"{deployment.backend} workflow {body['state']}: "
                                 f"{body.get('error')}\n{logs}")
            return done - started, _spans(body["steps"])
        time.sleep(POLL_S)
    raise SystemExit(f"{deployment.backend} workflow not final in {DEADLINE_S:.0f} s")


def compare_reels(deployments: dict[str, Deployment], repeat: int, goal: float) -> None:
    """Interleaved runs per backend after one warm-up each; medians and the s3/local ratio."""
    print(f"\ntopic -> reel workflow: fixed script ({len(SCRIPT.split())} words), espeak-ng, "
          f"tiktok draft 540x960 24 fps, karaoke captions")
    for deployment in deployments.values():
        reel(deployment)  # warm-up: imports, espeak-ng, fonts, ffmpeg's first start
    totals: dict[str, list[float]] = {name: [] for name in deployments}
    for run in range(repeat):
        order = ["s3", "local"] if run % 2 == 0 else ["local", "s3"]
        for name in order:
            total, spans = reel(deployments[name])
            totals[name].append(total)
            steps = ", ".join(f"{step} {seconds:.2f}" for step, seconds in spans.items())
            print(f"  run {run + 1} {name:<5}  end to end {total:6.2f} s   steps (s): {steps}")
    for name in ("s3", "local"):
        print(f"  {name:<5}  median end to end {statistics.median(totals[name]):6.2f} s "
              f"({repeat} runs)")
    ratio = statistics.median(totals["s3"]) / statistics.median(totals["local"])
    verdict = "met" if ratio <= goal else "NOT met"
    print(f"  ratio s3/local {ratio:.3f}x (goal <= {goal}x: {verdict})")
