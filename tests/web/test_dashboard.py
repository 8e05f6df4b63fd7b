"""The dashboard in a real browser against the real API and worker: account, uploads, a
slideshow followed live over the WebSocket (through a dropped connection), playback, cancel."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from websockets.sync.client import connect

from app.media.transition_kinds import CUT, DEFAULT, SLIDESHOW_NAMES
from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav
from tests.support.processes import ApiServer, CeleryWorker
from tests.web.dashboard import JOB_DEADLINE_MS, Dashboard
from tests.web.recorder import WATCH_JOBS, SocketRecorder

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect

COLORS = {"red.png": (220, 30, 30), "green.png": (30, 190, 60), "blue.png": (30, 60, 220)}
PASSWORD = "correct horse battery"
RENDERING = 'id => document.querySelector(`.job[data-job-id="${id}"]`)?.dataset.state == "progress"'
VIDEO_CHECK = """id => {
  const v = document.querySelector(`.job[data-job-id="${id}"] video`);
  return !!v && v.readyState >= 1 && v.duration > 0;
}"""


def _media(folder: Path) -> dict[str, Path]:
    files = {name: folder / name for name in [*COLORS, "tone.wav", "notes.txt"]}
    for name, color in COLORS.items():
        files[name].write_bytes(image_bytes(color, (960, 720)))
    files["tone.wav"].write_bytes(tone_wav(2.0))
    files["notes.txt"].write_text("not a photo")
    return files


def _all_events(api_server: ApiServer, token: str, job_id: str) -> list[dict[str, Any]]:
    """Every event of the job still kept in the user's stream, read on a socket of our own."""
    events: list[dict[str, Any]] = []
    with connect(f"{api_server.ws_url}?last_event_id=0", open_timeout=10,
                 additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        while not events or events[-1]["type"] != "job.succeeded":
            event = json.loads(ws.recv(timeout=10))
            if event.get("job_id") == job_id:
                events.append(event)
    return events


def test_slideshow_from_upload_to_playback(page: sync_api.Page, api_server: ApiServer,
                                           worker: CeleryWorker, tmp_path: Path) -> None:
    files = _media(tmp_path)
    sockets = SocketRecorder(cut_after="job.progress")
    sockets.install(page)
    board = Dashboard(page, api_server.base_url)
    board.open()
    board.register(f"web-{uuid.uuid4().hex[:10]}@example.com", PASSWORD)

    board.upload(files["notes.txt"])
    expect(page.locator("#upload-log .error")).to_contain_text(
        "not a supported image, audio or video")
    board.upload(files["red.png"], files["green.png"], files["blue.png"], files["tone.wav"])
    expect(page.locator("#image-list .tile")).to_have_count(3)
    expect(page.locator("#audio-list li", has_text="tone.wav")).to_contain_text("2 s")
    for name in COLORS:  # thumbnails drawn from the uploaded files
        expect(board.tile(name).locator("img")).to_have_js_property("complete", True)
        assert board.tile(name).locator("img").evaluate("i => i.naturalWidth") > 0
    ids = {name: board.tile(name).get_attribute("data-asset-id") for name in COLORS}

    # fresh photos are picked in upload order, ready to render
    expect(page.locator("#sequence li")).to_have_count(3)
    assert page.locator("#sequence li").evaluate_all(
        "items => items.map(i => i.dataset.assetId)") == [ids[n] for n in COLORS]
    for name in COLORS:  # unpick all: pressing "Render video" now says what is missing
        board.tile(name).get_by_role("button", name=f"Remove {name}", exact=False).click()
    page.get_by_role("button", name="Render video").click()
    expect(board.field_error("asset_ids")).to_have_text("Choose at least one photo.")
    for name in ("red.png", "green.png", "blue.png"):
        board.tile(name).get_by_role("button", name=f"Add {name}").click()
    page.get_by_role("button", name="Move blue.png earlier").click()
    order = [ids["red.png"], ids["blue.png"], ids["green.png"]]
    expect(page.locator("#sequence li")).to_have_count(3)
    assert page.locator("#sequence li").evaluate_all(
        "items => items.map(i => i.dataset.assetId)") == order

    picker = page.get_by_label("Transition", exact=True)  # filled from GET /transitions
    expect(picker).to_have_value(DEFAULT)
    assert picker.locator("option").evaluate_all("os => os.map(o => o.value)") == list(
        SLIDESHOW_NAMES)
    picker.select_option(CUT)
    expect(page.get_by_label("Transition seconds")).to_be_disabled()
    picker.select_option(DEFAULT)
    expect(page.get_by_label("Transition seconds")).to_be_enabled()

    page.get_by_label("Seconds per photo").fill("1")
    page.get_by_label("Transition seconds").fill("1.5")
    page.get_by_role("button", name="Render video").click()
    expect(board.field_error("transition_s")).to_contain_text("shorter than seconds_per_image")
    expect(page.get_by_label("Transition seconds")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#job-list .job")).to_have_count(0)

    page.get_by_label("Seconds per photo").fill("2")
    page.get_by_label("Transition seconds").fill("0.5")
    page.get_by_label("Transition", exact=True).select_option("fade")
    page.get_by_label("Format").select_option("1080x1080")
    page.get_by_label("Frames per second").select_option("24")
    page.get_by_label("Audio", exact=True).select_option(label="tone.wav")
    page.get_by_label("Priority").fill("4")  # under the free plan's cap of 5, and not the default
    page.evaluate(WATCH_JOBS)
    job = board.submit()
    assert job["params"]["asset_ids"] == order and job["priority"] == 4
    assert job["params"]["audio_asset_id"] == page.get_by_label("Audio", exact=True).input_value()

    card = board.job(job["id"])
    # checked on every animation frame: a short render is in this state for a moment only
    page.wait_for_function(RENDERING, arg=job["id"], timeout=JOB_DEADLINE_MS)
    page.screenshot(path=tmp_path / "rendering.png")
    expect(card).to_have_attribute("data-state", "succeeded", timeout=JOB_DEADLINE_MS)
    expect(card.locator(".state")).to_have_text("Succeeded")

    seen = [r for r in page.evaluate("window.seen") if r["id"] == job["id"]]
    values = [float(r["value"]) for r in seen if r["value"] is not None]
    assert any(0 < v < 100 for v in values), seen  # the bar moved through the render
    assert values == sorted(values), seen
    assert any("left" in r["status"] for r in seen), seen  # an ETA was shown

    first, resumed = sockets.connections[0], sockets.connections[1]
    assert first.frames[-1]["type"] == "job.progress"  # cut mid-job, then reconnected
    assert resumed.last_event_id == first.frames[-1]["id"]
    received = [e["id"] for e in sockets.events(job["id"])]
    assert received == [e["id"] for e in _all_events(api_server, board.token(), job["id"])]

    page.wait_for_function(VIDEO_CHECK, arg=job["id"], timeout=30_000)
    video = card.locator("video").evaluate(
        "v => ({src: v.currentSrc, duration: v.duration, w: v.videoWidth, h: v.videoHeight})")
    assert "/api/v1/files/results/" in video["src"] and "sig=" in video["src"]
    assert "token" not in video["src"]
    assert abs(video["duration"] - (3 * 2.0 - 2 * 0.5)) < 0.15, video
    assert (video["w"], video["h"]) == (1080, 1080)
    expect(card.get_by_role("link", name="Download")).to_have_attribute("href", video["src"])

    page.evaluate("window.scrollTo(0, 0)")  # the sticky bar belongs at the top of the shot
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=tmp_path / "dashboard-phone.png", full_page=True)


def test_sign_in_cancel_and_sign_out(page: sync_api.Page, account: Account,
                                     api_server: ApiServer, worker: CeleryWorker,
                                     tmp_path: Path) -> None:
    assert account.upload(image_bytes((200, 200, 40), (640, 480)), "sun.png").status_code == 201
    board = Dashboard(page, api_server.base_url)
    board.open()

    board.sign_in(account.email, "wrong password")
    expect(page.locator('#auth-form [data-error-for="password"]')).to_have_text(
        "wrong email or password")
    page.screenshot(path=tmp_path / "sign-in.png")
    board.sign_in(account.email, account.password)
    board.expect_signed_in(account.email)
    tile = board.tile("sun.png")
    expect(tile.locator(".placeholder")).to_have_text("640×480")  # uploaded elsewhere

    tile.get_by_role("button", name="Add sun.png").click()
    page.get_by_label("Seconds per photo").fill("60")
    page.get_by_label("Transition", exact=True).select_option("none")
    job = board.submit()
    card = board.job(job["id"])
    card.get_by_role("button", name="Cancel").click()
    expect(card).to_have_attribute("data-state", "cancelled")
    expect(card.get_by_role("button", name="Cancel")).to_be_hidden()
    assert account.wait_job(job["id"])["state"] == "cancelled"
    expect(card).to_have_attribute("data-state", "cancelled")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
