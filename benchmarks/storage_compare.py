"""Storage backends compared: a slideshow and a topic -> reel workflow end to end on S3
(SeaweedFS) against a local disk, and a 50 MB audio upload through the S3-backed API.

Everything is started here, private to a temp folder: embedded PostgreSQL, Redis and
SeaweedFS, then per backend an API (uvicorn app.main:app), a video worker (celery -Q video
-c 1) and, for the workflow, a content worker (-Q content,social -c 1), and a user
registers on each API. A run uploads --photos JPEGs (1920x1080, textured like
photos), submits a slideshow (2 s a photo, 0.5 s fades, 1920x1080 30 fps) and polls the job
until it succeeds. End to end is the first upload to `succeeded`; "render" is the submit's
202 to `succeeded`. Runs alternate between the backends (s3 first, then local first), after
one untimed warm-up on each. Goal: s3 within 1.1x of local.

The workflow (_storage_workflow.py) reads a fixed script (no LLM), voices it with espeak-ng,
renders a draft TikTok reel with karaoke captions and optimises it for TikTok; end to end
is the submit to the workflow's final state, polled on GET /api/v1/workflows/{id}. Runs
alternate as above, after one warm-up each; goal: s3 within 1.1x of local.

The upload sends a ~50 MB WAV (48 kHz stereo 16-bit tone, under MAX_AUDIO_BYTES = 50 MiB)
to POST /api/v1/assets after one small warm-up upload; the API's RSS is sampled every
20 ms with psutil. Goal: RSS increase under 30 MiB (the upload is spooled, not held).

    .venv/bin/python benchmarks/storage_compare.py [--photos 10] [--repeat 3]
        [--skip-slideshow] [--skip-workflow]
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import struct
import time
import wave
from pathlib import Path

import httpx
from _platform import machine_facts
from _storage_setup import Deployment, RssSampler, Stack
from _storage_workflow import compare_reels
from PIL import Image, ImageFilter

RATIO_GOAL = 1.1
RSS_GOAL_MIB = 30.0
AUDIO_BYTES = 50_000_000  # "50 MB"; MAX_AUDIO_BYTES is 50 MiB (52.4 MB)
RATE, CHANNELS, SAMPLE_BYTES = 48_000, 2, 2
JOB_DEADLINE_S = 600.0
POLL_S = 0.05
MIB = 2**20


def photo(index: int) -> bytes:
    """A 1920x1080 JPEG with grain and colour (~0.9 MB), textured like a photo."""
    noise = Image.effect_noise((1920, 1080), 60).filter(ImageFilter.GaussianBlur(0.6))
    tint = Image.new("RGB", (1920, 1080), ((index * 70) % 256, (index * 130) % 256, 160))
    buffer = io.BytesIO()
    Image.blend(tint, noise.convert("RGB"), 0.5).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def tone_wav(path: Path, seconds: int) -> Path:
    """A 400 Hz tone: 120 frames a period at 48 kHz, so one second repeats exactly."""
    period = b"".join(struct.pack("<hh", v, v) for v in (
        int(9000 * math.sin(2 * math.pi * i / 120)) for i in range(120)))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(CHANNELS)
        out.setsampwidth(SAMPLE_BYTES)
        out.setframerate(RATE)
        second = period * (RATE // 120)
        for _ in range(seconds):
            out.writeframes(second)
    return path


def upload(deployment: Deployment, name: str, content: bytes | io.BufferedReader,
           kind: str) -> str:
    answer = httpx.post(f"{deployment.base_url}/api/v1/assets", headers=deployment.headers,
                        files={"file": (name, content)}, data={"kind": kind}, timeout=300.0)
    if answer.status_code != 201:
        raise SystemExit(f"upload to {deployment.backend} failed: {answer.status_code} "
                         f"{answer.text[:500]}")
    return str(answer.json()["id"])


def slideshow(deployment: Deployment, photos: list[bytes]) -> tuple[float, float]:
    """(end to end, submit to succeeded) seconds of one slideshow on `deployment`."""
    started = time.monotonic()
    assets = [upload(deployment, f"{i}.jpg", p, "image") for i, p in enumerate(photos)]
    submitted = httpx.post(
        f"{deployment.base_url}/api/v1/tasks/submit/video", headers=deployment.headers,
        json={"asset_ids": assets, "seconds_per_image": 2.0, "transition": "fade",
              "transition_s": 0.5, "resolution": "1920x1080", "fps": 30}, timeout=30.0)
    if submitted.status_code != 202:
        raise SystemExit(f"submit failed: {submitted.status_code} {submitted.text[:500]}")
    accepted, job_id = time.monotonic(), submitted.json()["id"]
    deadline = accepted + JOB_DEADLINE_S
    while time.monotonic() < deadline:
        job = httpx.get(f"{deployment.base_url}/api/v1/tasks/{job_id}",
                        headers=deployment.headers, timeout=30.0).json()
        if job["state"] == "succeeded":
            done = time.monotonic()
            return done - started, done - accepted
        if job["state"] in {"failed", "dead", "cancelled"}:
            raise SystemExit(f"{deployment.backend} job {job['state']}: {job.get('error')}\n"
                             f"{deployment.worker.log_tail()}")
        time.sleep(POLL_S)
    raise SystemExit(f"{deployment.backend} job not done in {JOB_DEADLINE_S:.0f} s")


def compare_slideshows(deployments: dict[str, Deployment], count: int, repeat: int) -> None:
    photos = [photo(i) for i in range(count)]
    mean_kb = statistics.mean(len(p) for p in photos) / 1000
    print(f"\nslideshow: {count} JPEGs 1920x1080 (~{mean_kb:.0f} kB each), 2 s each, "
          f"0.5 s fades, 1920x1080 30 fps")
    for deployment in deployments.values():
        slideshow(deployment, photos[:2])  # warm-up: imports, pools, ffmpeg's first start
    totals: dict[str, list[float]] = {name: [] for name in deployments}
    renders: dict[str, list[float]] = {name: [] for name in deployments}
    for run in range(repeat):
        order = ["s3", "local"] if run % 2 == 0 else ["local", "s3"]
        for name in order:
            total, render = slideshow(deployments[name], photos)
            totals[name].append(total)
            renders[name].append(render)
            print(f"  run {run + 1} {name:<5}  end to end {total:6.2f} s   "
                  f"submit to succeeded {render:6.2f} s")
    for name in ("s3", "local"):
        print(f"  {name:<5}  median end to end {statistics.median(totals[name]):6.2f} s, "
              f"submit to succeeded {statistics.median(renders[name]):6.2f} s "
              f"({repeat} runs)")
    ratio = statistics.median(totals["s3"]) / statistics.median(totals["local"])
    verdict = "met" if ratio <= RATIO_GOAL else "NOT met"
    print(f"  ratio s3/local {ratio:.3f}x (goal <= {RATIO_GOAL}x: {verdict})")


def audio_upload(deployment: Deployment, folder: Path) -> None:
    seconds = AUDIO_BYTES // (RATE * CHANNELS * SAMPLE_BYTES)
    path = tone_wav(folder / "tone.wav", seconds)
    size = path.stat().st_size
    print(f"\naudio upload: {size / 1e6:.1f} MB WAV ({seconds} s, 48 kHz stereo 16-bit) "
          f"through POST /api/v1/assets to the s3 API")
    upload(deployment, "warm-up.wav", tone_wav(folder / "small.wav", 1).read_bytes(), "audio")
    sampler = RssSampler(deployment.api.proc.pid)
    time.sleep(0.5)  # let the warm-up's buffers settle before the baseline
    before = sampler.rss()
    with sampler, path.open("rb") as handle:
        started = time.monotonic()
        upload(deployment, "tone.wav", handle, "audio")
        elapsed = time.monotonic() - started
    time.sleep(1.0)  # what the API keeps once the request is over
    after = sampler.rss()
    increase = (sampler.peak - before) / MIB
    verdict = "met" if increase < RSS_GOAL_MIB else "NOT met"
    print(f"  {elapsed:.2f} s, {size / 1e6 / elapsed:.1f} MB/s")
    print(f"  API RSS before {before / MIB:.1f} MiB, peak {sampler.peak / MIB:.1f} MiB, "
          f"after {after / MIB:.1f} MiB")
    print(f"  RSS increase (peak - before) {increase:.1f} MiB "
          f"(goal < {RSS_GOAL_MIB:.0f} MiB: {verdict}); kept after {(after - before) / MIB:.1f}"
          f" MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=10, help="photos per slideshow")
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed slideshows and workflows per backend")
    parser.add_argument("--skip-slideshow", action="store_true", help="no slideshows")
    parser.add_argument("--skip-workflow", action="store_true",
                        help="no workflows (starts no content workers)")
    args = parser.parse_args()
    print(machine_facts())
    with Stack() as stack:
        compared = not (args.skip_slideshow and args.skip_workflow)
        backends = ["s3", "local"] if compared else ["s3"]  # the upload needs only s3
        deployments = {name: stack.deploy(name, workflows=not args.skip_workflow)
                       for name in backends}
        if not args.skip_slideshow:
            compare_slideshows(deployments, args.photos, args.repeat)
        if not args.skip_workflow:
            compare_reels(deployments, args.repeat, RATIO_GOAL)
        audio_upload(deployments["s3"], stack.root)


if __name__ == "__main__":
    main()
