"""The Topic → reel screen in a real browser against the real API and real workers (content,
video and social queues): a topic followed stage by stage over the WebSocket to playable
reels, its script edited and run again as a new workflow, and a failed step retried."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixtures import Account
from tests.support.processes import ApiServer, CeleryWorker
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import open_as
from tests.workflows.conftest import start_hook_worker, wait_workflow
from tests.workflows.test_failures import video_paused

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect

WORKFLOW_DEADLINE_MS = 240_000


# The workflow tests' workers, for this module only: a session-long content or social worker
# would take the work of later tests (webhooks with their own retry settings, workflows).
@pytest.fixture(scope="module")
def content_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    proc = start_hook_worker("content-web", "content", tmp_root / "logs")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def social_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    proc = start_hook_worker("social-web-reel", "social", tmp_root / "logs")
    yield proc
    proc.stop()
STEPS = ["content", "voice", "render", "optimize:tiktok", "optimize:reels"]
EDITED = ("Honey never spoils. Archaeologists found pots of it in old tombs. "
          "It was still good to eat. Share this with a friend.")
PLAYABLE = """box => {
  const v = box.querySelector('video');
  return !!v && v.readyState >= 1 && v.duration > 0;
}"""
# Each stage's state as the page shows it, recorded on every change: proof that the page
# advanced live rather than showing only the end.
WATCH_STAGES = """() => {
  window.stageLog = [];
  window.statusLog = new Set();
  const seen = () => [...document.querySelectorAll('.stage')].map(
    li => `${li.dataset.step}=${li.dataset.state}`).join(' ');
  new MutationObserver(() => {
    const now = seen();
    if (window.stageLog.at(-1) !== now) window.stageLog.push(now);
    for (const p of document.querySelectorAll('.stage[data-state="progress"] .status')) {
      window.statusLog.add(`${p.closest('.stage').dataset.step}: ${p.textContent}`);
    }
  }).observe(document.body, {subtree: true, attributes: true, childList: true,
                             characterData: true});
}"""


def _stage(page: sync_api.Page, step: str) -> sync_api.Locator:
    return page.locator(f'.stage[data-step="{step}"]')


def _wait_done(page: sync_api.Page) -> None:
    expect(page.locator(".tracker")).to_have_attribute("data-state", "succeeded",
                                                       timeout=WORKFLOW_DEADLINE_MS)
    for step in STEPS:
        expect(_stage(page, step)).to_have_attribute("data-state", "succeeded")
        expect(_stage(page, step).locator("progress")).to_have_js_property("value", 100)


def _submit(page: sync_api.Page, button: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Press `button`; the request body and the workflow the API accepted."""
    with page.expect_response("**/api/v1/tasks/submit/workflow") as answer:
        page.get_by_role("button", name=button).click()
    assert answer.value.status == 202, answer.value.text()
    body: dict[str, Any] = answer.value.request.post_data_json
    workflow: dict[str, Any] = answer.value.json()
    return body, workflow


def test_topic_to_reels_live_then_script_edited_and_rerun(
        page: sync_api.Page, api_server: ApiServer, account: Account, worker: CeleryWorker,
        content_worker: CeleryWorker, social_worker: CeleryWorker) -> None:
    snapshots: list[str] = []
    page.on("request", lambda r: snapshots.append(r.url) if "/api/v1/workflows/" in r.url
            else None)
    open_as(page, api_server.base_url, account, "reel")
    expect(page.get_by_label("Project", exact=True)).to_have_value("")  # works without any project
    page.get_by_label("Topic", exact=True).fill("why the sky is blue")
    page.get_by_label("Quality").select_option("draft")
    page.get_by_label("Length (seconds)").fill("12")
    expect(page.get_by_label("TikTok")).to_be_checked()  # the first platform by default
    page.get_by_label("Reels", exact=True).check()
    check_a11y(page)
    screenshots(page, "reel-form")
    body, workflow = _submit(page, "Make the reel")
    assert body == {"topic": "why the sky is blue", "duration_s": 12,
                    "platforms": ["tiktok", "reels"], "video": {"quality": "draft"}}
    expect(page).to_have_url(re.compile(rf"#/reel\?workflow={workflow['id']}$"))
    page.evaluate(WATCH_STAGES)
    expect(page.locator(".stage .stage-name")).to_have_text(
        ["Script", "Voice", "Render", "Optimise for TikTok", "Optimise for Reels"])

    _wait_done(page)
    expect(page.locator(".tracker > .status")).to_have_text("Your reels are ready")
    log = page.evaluate("window.stageLog")
    assert any("render=progress" in line for line in log), log  # seen while rendering
    assert any("content=succeeded voice=" in line and "render=succeeded" not in line
               for line in log), log
    shown = page.evaluate("[...window.statusLog]")  # progress and ETA while rendering
    assert any(re.fullmatch(r"render: \w.* · \d+%( · about .+ left)?", t) for t in shown), shown
    assert any(t.startswith("render:") and t.endswith(" left") for t in shown), shown
    assert len(snapshots) <= 2, snapshots  # a GET at mount (or handshake), events the rest
    server = account.client.get(f"/api/v1/workflows/{workflow['id']}").json()
    assert server["state"] == "succeeded"
    steps = {s["step"]: s for s in server["steps"]}
    expect(page.get_by_label("The words the voice reads")).to_have_value(
        steps["content"]["result"]["narration"])

    reels = page.locator(".reels .reel")
    expect(reels).to_have_count(2)
    for platform in ("tiktok", "reels"):
        box = page.locator(f'.reel[data-platform="{platform}"] .player')
        page.wait_for_function(PLAYABLE, arg=box.element_handle(), timeout=30_000)
        link = box.get_by_role("link", name=re.compile("Download"))
        assert link.get_attribute("download") == (
            f"reelforge-{platform}-{steps[f'optimize:{platform}']['job_id']}.mp4")
        download = page.request.get(str(link.get_attribute("href")))
        assert download.status == 200 and download.body()[4:8] == b"ftyp"
    check_a11y(page)
    screenshots(page, "reel")

    page.get_by_label("The words the voice reads").fill(EDITED)
    body, rerun = _submit(page, "Re-run from voice with this script")
    assert body["script"] == EDITED and "topic" not in body
    assert body["platforms"] == ["tiktok", "reels"] and body["video"]["quality"] == "draft"
    expect(page).to_have_url(re.compile(rf"#/reel\?workflow={rerun['id']}$"))
    expect(page.locator(".reel-view > .muted")).to_have_text("From your own script")
    expect(_stage(page, "content").locator(".stage-name")).to_have_text(
        "Script (your text, cut into scenes)")
    _wait_done(page)
    again = account.client.get(f"/api/v1/workflows/{rerun['id']}").json()
    assert again["state"] == "succeeded" and again["params"]["script"] == EDITED
    assert again["params"]["topic"] is None
    steps = {s["step"]: s for s in again["steps"]}
    assert steps["content"]["result"]["script"] is None  # nothing was written: the text as given
    assert steps["content"]["result"]["narration"] == EDITED
    spoken = " ".join(w[0] for w in steps["voice"]["result"]["words"]).lower()
    assert "archaeologists" in spoken and "honey" in spoken
    expect(page.get_by_label("The words the voice reads")).to_have_value(EDITED)
    expect(page.locator(".reels .reel")).to_have_count(2)


def test_a_failed_step_shows_its_error_and_retries(
        page: sync_api.Page, api_server: ApiServer, account: Account,
        content_worker: CeleryWorker) -> None:
    answer = account.client.post("/api/v1/tasks/submit/workflow", json={
        "script": EDITED, "voice": {"voice": "zz-nowhere"}, "video": {"quality": "draft"}})
    assert answer.status_code == 202, answer.text
    workflow_id = answer.json()["id"]
    open_as(page, api_server.base_url, account, "reel", f"workflow={workflow_id}")
    voice = _stage(page, "voice")
    expect(voice).to_have_attribute("data-state", "failed", timeout=WORKFLOW_DEADLINE_MS)
    expect(voice.locator(".error")).to_contain_text("Voice failed:")
    expect(_stage(page, "render").locator(".status")).to_have_text(
        "Not run: an earlier step failed")
    expect(page.locator(".tracker > .status")).to_have_text("A step failed")
    check_a11y(page)
    screenshots(page, "reel-failed")

    with page.expect_response(f"**/api/v1/tasks/{workflow_id}/retry") as retried:
        voice.get_by_role("button", name="Retry").click()
    assert retried.value.status == 202, retried.value.text()
    assert retried.value.json()["steps"] == ["voice", "render", "optimize:tiktok"]
    expect(page.get_by_text("Running again from the voice step")).to_be_visible()
    server = wait_workflow(account.client, workflow_id)  # the same voice fails again
    assert server["state"] == "failed" and server["retries"] == 1
    steps = {s["step"]: s for s in server["steps"]}
    assert steps["voice"]["attempts"] == 2 and steps["content"]["attempts"] == 1
    expect(voice).to_have_attribute("data-state", "failed")
    expect(voice.locator(".retry")).to_be_visible()


def test_cancel_reload_and_run_the_rest_again(
        page: sync_api.Page, api_server: ApiServer, account: Account, worker: CeleryWorker,
        content_worker: CeleryWorker, social_worker: CeleryWorker) -> None:
    with video_paused(worker):
        answer = account.client.post("/api/v1/tasks/submit/workflow", json={
            "script": EDITED, "video": {"quality": "draft"}})
        assert answer.status_code == 202, answer.text
        workflow_id = answer.json()["id"]
        open_as(page, api_server.base_url, account, "reel", f"workflow={workflow_id}")
        expect(_stage(page, "render")).to_have_attribute("data-state", "queued",
                                                         timeout=WORKFLOW_DEADLINE_MS)
        page.reload()  # the view comes back from the URL: snapshot, then events
        expect(_stage(page, "voice")).to_have_attribute("data-state", "succeeded")
        expect(_stage(page, "render").locator(".status")).to_have_text("Waiting for a worker")
        page.get_by_role("button", name="Cancel this reel").click()
        expect(page.locator(".tracker")).to_have_attribute("data-state", "cancelled")
        expect(_stage(page, "render")).to_have_attribute("data-state", "cancelled")
        assert account.client.get(f"/api/v1/workflows/{workflow_id}").json()["state"] == (
            "cancelled")
        with page.expect_response(f"**/api/v1/tasks/{workflow_id}/retry") as retried:
            page.get_by_role("button", name="Run the rest again").click()
        assert retried.value.json()["steps"] == ["render", "optimize:tiktok"]
        expect(_stage(page, "render")).to_have_attribute("data-state", "queued")
    expect(page.locator(".tracker")).to_have_attribute("data-state", "succeeded",
                                                       timeout=WORKFLOW_DEADLINE_MS)
    expect(page.locator(".reels .reel")).to_have_count(1)
    done = account.client.get(f"/api/v1/workflows/{workflow_id}").json()
    assert done["state"] == "succeeded" and done["retries"] == 1
