"""Time from opening the timeline editor to an interactive editor with a 20-scene timeline.

The platform starts (API only), an account uploads `--scenes` photos (1600×1200 JPEG), and a
fresh Chromium context (empty HTTP cache) opens `#/editor?assets=<ids>` signed in, `--runs`
times. "Interactive" is measured in the page, from navigation start (performance.now()):
every scene's thumbnail has decoded (served by GET /assets/{id}/thumbnail) and the strip has
taken a keyboard reorder (Alt+→ on the first tile moved it). Also printed: the moment the
editor was built (its first render, thumbnails still loading). Median and max of the runs.

    python benchmarks/editor_open.py --runs 3
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys

import httpx
from _browser import ARGS, chromium, sign_in
from _platform import Platform, machine_facts
from PIL import Image

# Runs in the page from its first script on; checked every animation frame.
PROBE = """n => {
  window.__editor = new Promise((resolve) => {
    let built = null;
    const tick = () => {
      if (built === null && document.querySelector('.editor[data-ready="true"]')) {
        built = performance.now();
      }
      const imgs = [...document.querySelectorAll(".strip .scene-thumb img")];
      if (imgs.length === n && imgs.every((i) => i.complete && i.naturalWidth > 0)) {
        const first = document.querySelector(".strip .scene-tile");
        const key = first.dataset.key;
        first.querySelector(".scene-pick").dispatchEvent(new KeyboardEvent("keydown",
          { key: "ArrowRight", altKey: true, bubbles: true, cancelable: true }));
        if (document.querySelector(".strip .scene-tile").dataset.key !== key) {
          resolve({ built, interactive: performance.now() });
          return;
        }
      }
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}"""


def photo(i: int) -> bytes:
    """A 1600×1200 JPEG with a gradient, so each decodes like a photo rather than a flat card."""
    image = Image.linear_gradient("L").resize((1600, 1200)).convert("RGB")
    tint = Image.new("RGB", image.size, ((i * 53) % 255, (i * 97) % 255, (i * 31) % 255))
    buffer = io.BytesIO()
    Image.blend(image, tint, 0.6).save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenes", type=int, default=20)
    args = parser.parse_args()
    browser_path = chromium()
    from playwright.sync_api import sync_playwright

    print(machine_facts())
    built: list[float] = []
    ready: list[float] = []
    with Platform() as platform, sync_playwright() as playwright:
        platform.start_api()
        account = platform.create_account()
        ids = []
        for i in range(args.scenes):
            answer = httpx.post(f"{platform.base_url}/api/v1/assets", headers=account.headers,
                                files={"file": (f"photo-{i:02}.jpg", photo(i))}, timeout=30.0)
            answer.raise_for_status()
            ids.append(answer.json()["id"])
        browser = playwright.chromium.launch(executable_path=browser_path, args=ARGS)
        for _ in range(args.runs):
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            sign_in(page, platform.base_url, account.token)
            page.add_init_script(f"({PROBE})({args.scenes})")
            page.goto(f"{platform.base_url}/#/editor?assets={','.join(ids)}")
            times = page.evaluate("window.__editor")
            built.append(times["built"])
            ready.append(times["interactive"])
            context.close()
        browser.close()
    print(f"{args.scenes} scenes, {args.runs} cold opens (fresh browser context each)")
    print(f"editor built (first render) ms: median {statistics.median(built):.0f}, "
          f"max {max(built):.0f}")
    print(f"interactive (all thumbnails + keyboard reorder) ms: median "
          f"{statistics.median(ready):.0f}, max {max(ready):.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
