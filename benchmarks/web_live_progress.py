"""Live progress in the dashboard: a job reporting 10 events/s, and what the page painted.

The platform starts (API only: no worker takes the job, so only the events below move it),
a real Chromium opens the slideshow screen signed in, and a publisher appends `job.progress`
events for one queued job at `--rate` per second with `publish_sync`, the call workers make,
each with its own progress value. The page samples the job's progress bar on every animation
frame. Printed: events published, values painted, values never painted (dropped; goal 0),
the slowest event-to-paint delay, and animation frames longer than 50 ms.

    python benchmarks/web_live_progress.py --seconds 20 --rate 10
"""

from __future__ import annotations

import argparse
import sys
import time

import httpx
import redis
from _browser import ARGS, chromium, sign_in
from _platform import Platform, machine_facts, percentiles

from app.realtime.bus import publish_sync
from app.realtime.events import job_event

# Samples the bar on every frame: a value set and replaced between two frames was never seen.
SAMPLER = """jobId => {
  window.painted = new Map(); window.longFrames = 0; window.frames = 0;
  let last = performance.now();
  const tick = (now) => {
    window.frames += 1;
    if (now - last > 50) window.longFrames += 1;
    last = now;
    const bar = document.querySelector(`.job[data-job-id="${jobId}"] progress`);
    const value = bar?.getAttribute("value");
    if (value !== null && value !== undefined && !window.painted.has(value)) {
      window.painted.set(value, Date.now());
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=10.0, help="events per second")
    args = parser.parse_args()
    browser_path = chromium()
    from playwright.sync_api import expect, sync_playwright

    print(machine_facts())
    count = int(args.seconds * args.rate)
    with Platform() as platform, sync_playwright() as playwright:
        platform.start_api()
        account = platform.create_account()
        image = platform.upload_image(account)
        job = httpx.post(f"{platform.base_url}/api/v1/tasks/submit/video",
                         headers=account.headers, timeout=30.0,
                         json={"asset_ids": [image], "seconds_per_image": 60}).json()
        browser = playwright.chromium.launch(executable_path=browser_path, args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, platform.base_url, account.token)
        page.goto(platform.base_url + "/#/studio")
        expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
        expect(page.locator(f'.job[data-job-id="{job["id"]}"]')).to_be_visible()
        page.evaluate(SAMPLER, job["id"])

        sent: dict[str, float] = {}
        client = redis.Redis.from_url(platform.redis_url)
        start = time.monotonic()
        for i in range(1, count + 1):
            time.sleep(max(0.0, start + i / args.rate - time.monotonic()))  # pacing
            value = f"{i / 10:g}"  # progress i/1000 shows as value i/10 on the bar
            sent[value] = time.time() * 1000
            publish_sync(client, account.user_id, job_event(
                "job.progress", job["id"], state="progress", progress=i / 1000,
                stage="rendering", eta_s=count - i))
        last = f"{count / 10:g}"
        expect(page.locator(f'.job[data-job-id="{job["id"]}"] progress')).to_have_attribute(
            "value", last, timeout=10_000)
        page.wait_for_function("v => window.painted.has(v)", arg=last)
        painted: dict[str, float] = dict(page.evaluate("[...window.painted.entries()]"))
        frames, long_frames = page.evaluate("[window.frames, window.longFrames]")
        browser.close()
        client.close()

    dropped = [v for v in sent if v not in painted]
    delays = [painted[v] - sent[v] for v in sent if v in painted]
    spread = percentiles(delays)
    print(f"events published: {count} at {args.rate:g}/s over {args.seconds:g} s")
    print(f"values painted: {len(sent) - len(dropped)}, dropped: {len(dropped)} (goal 0)")
    print(f"event → paint ms: p50 {spread['p50']:.0f}, p99 {spread['p99']:.0f}, "
          f"max {spread['max']:.0f}")
    print(f"animation frames: {frames}, longer than 50 ms: {long_frames}")
    return 0 if not dropped else 2


if __name__ == "__main__":
    sys.exit(main())
