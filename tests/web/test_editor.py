"""The timeline editor in a real browser against the real API and worker: scenes from uploads,
reordered by drag and by keyboard, one scene edited, a transition chosen (its rendered
preview shown), a draft preview played in place, a render downloaded; API errors next to
the control they name; a job's timeline opened again."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.fixtures import Account
from tests.support.media import image_bytes
from tests.support.processes import ApiServer, CeleryWorker
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import JOB_DEADLINE_MS, open_as

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect

COLORS = {"red.png": (220, 30, 30), "green.png": (30, 190, 60), "blue.png": (30, 60, 220)}
PLAYABLE = """sel => {
  const v = document.querySelector(sel);
  return !!v && v.readyState >= 1 && v.duration > 0;
}"""


def _upload(account: Account) -> dict[str, str]:
    ids = {}
    for name, color in COLORS.items():
        answer = account.upload(image_bytes(color, (960, 720)), name)
        assert answer.status_code == 201, answer.text
        ids[name] = answer.json()["id"]
    return ids


def _tiles(page: sync_api.Page) -> list[str]:
    labels: list[str] = page.locator(".strip .scene-pick").all_text_contents()
    return [label.split(": ")[1].split(",")[0] for label in labels]


def _pick(page: sync_api.Page, n: int, total: int = 3) -> sync_api.Locator:
    return page.get_by_role("button", name=f"Scene {n} of {total}:")


def _submitted(page: sync_api.Page, button: str) -> dict[str, Any]:
    with page.expect_response("**/api/v1/tasks/submit/video") as answer:
        page.get_by_role("button", name=button, exact=True).click()
    assert answer.value.status == 202, answer.value.text()
    job: dict[str, Any] = answer.value.json()
    return job


def test_edit_preview_render_download(page: sync_api.Page, api_server: ApiServer,
                                      worker: CeleryWorker, account: Account) -> None:
    ids = _upload(account)
    open_as(page, api_server.base_url, account, "editor")
    expect(page.get_by_role("heading", name="Timeline editor")).to_be_visible()

    for name in COLORS:  # the picker is open while the timeline is empty
        page.locator(".editor-picker").get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Add 3 scenes").click()
    expect(page.locator(".strip .scene-tile")).to_have_count(3)
    for img in page.locator(".strip .scene-thumb img").all():  # the server's thumbnails
        expect(img).to_have_js_property("complete", True)
        assert img.evaluate("i => i.naturalWidth") > 0
    assert _tiles(page) == ["red.png", "green.png", "blue.png"]
    expect(page.locator("#out-length")).to_have_text("Length: 8.00 s (240 frames at 30 fps)")

    # drag red onto blue, then blue earlier by keyboard, then red earlier by its button
    page.locator(".scene-card").nth(0).drag_to(page.locator(".scene-card").nth(2))
    expect(_pick(page, 3)).to_have_accessible_name("Scene 3 of 3: red.png, 3 s")
    assert _tiles(page) == ["green.png", "blue.png", "red.png"]
    _pick(page, 2).focus()
    page.keyboard.press("Alt+ArrowLeft")
    expect(_pick(page, 1)).to_have_accessible_name("Scene 1 of 3: blue.png, 3 s")
    expect(_pick(page, 1)).to_be_focused()  # focus follows the moved scene
    page.get_by_role("button", name="Move scene 3 earlier").click()
    assert _tiles(page) == ["blue.png", "red.png", "green.png"]

    _pick(page, 2).click()
    expect(page.get_by_role("heading", name="Scene 2: red.png")).to_be_visible()
    page.get_by_label("Duration (seconds)").fill("2.5")
    page.get_by_label("Motion (Ken Burns)").select_option("zoom_out")
    page.get_by_label("Text overlay").fill("Day one")
    page.get_by_label("Text position").select_option("top")
    expect(_pick(page, 2)).to_have_accessible_name(
        "Scene 2 of 3: red.png, 2.5 s with the text Day one")
    expect(page.locator(".frame-text")).to_have_text("Day one")  # on the preview frame
    expect(page.locator("#out-length")).to_have_text("Length: 7.50 s (225 frames at 30 fps)")

    gap = page.get_by_label("Transition 1→2")
    assert gap.locator("option").count() == len(account.client.get("/api/v1/transitions").json())
    gap.select_option("wipeleft")
    page.wait_for_function(PLAYABLE, arg=".gap-preview video", timeout=30_000)

    page.get_by_label("Burn in captions").check()
    page.get_by_label("Caption script").fill("Three days on the coast")
    # the first line as the renderer groups it: max_words (4) words
    expect(page.locator(".frame-caption")).to_have_text("Three days on the")
    check_a11y(page)
    screenshots(page, "editor")

    draft = _submitted(page, "Preview (draft)")
    page.wait_for_function(PLAYABLE, arg=".editor-player video", timeout=JOB_DEADLINE_MS)
    expect(page.locator("#render-status")).to_have_text("Draft preview: done.")
    timeline = account.client.get(f"/api/v1/tasks/{draft['id']}").json()["params"]["timeline"]
    scenes = timeline["scenes"]
    assert [s["asset"] for s in scenes] == [ids["blue.png"], ids["red.png"], ids["green.png"]]
    assert [s["duration_s"] for s in scenes] == [3, 2.5, 3]
    assert scenes[1]["text"]["text"] == "Day one" and scenes[1]["text"]["position"] == "top"
    assert scenes[1]["motion"]["kind"] == "zoom_out"
    assert scenes[0]["transition"]["kind"] == "wipeleft"
    assert timeline["output"]["quality"] == "draft"
    assert timeline["captions"]["script"] == "Three days on the coast"

    final = _submitted(page, "Render")
    link = page.get_by_role("link", name="Download video")
    expect(link).to_be_visible(timeout=JOB_DEADLINE_MS)
    got = page.request.get(link.get_attribute("href") or "")
    assert got.status == 200 and got.headers["content-type"] == "video/mp4"
    assert len(got.body()) > 1000
    assert account.client.get(f"/api/v1/tasks/{final['id']}").json()["params"]["timeline"][
        "output"]["quality"] == "standard"

    # edit and render again: the draft's timeline opens in the editor
    page.goto(f"{api_server.base_url}/#/editor?from={draft['id']}")
    expect(page.locator(".strip .scene-tile")).to_have_count(3)
    assert _tiles(page) == ["blue.png", "red.png", "green.png"]
    expect(_pick(page, 2)).to_have_accessible_name(
        "Scene 2 of 3: red.png, 2.5 s with the text Day one")
    expect(page.get_by_label("Transition 1→2")).to_have_value("wipeleft")


def test_api_errors_land_next_to_their_control(page: sync_api.Page, api_server: ApiServer,
                                               account: Account) -> None:
    ids = _upload(account)
    open_as(page, api_server.base_url, account, "editor",
            f"assets={ids['red.png']},{ids['green.png']}")
    expect(page.locator(".strip .scene-tile")).to_have_count(2)

    _pick(page, 2, 2).click()
    page.get_by_label("Duration (seconds)").fill("0")
    _pick(page, 1, 2).click()  # the error must bring scene 2 back
    page.get_by_role("button", name="Preview (draft)").click()
    expect(page.get_by_role("heading", name="Scene 2: green.png")).to_be_visible()
    duration = page.get_by_label("Duration (seconds)")
    expect(duration).to_have_attribute("aria-invalid", "true")
    expect(page.locator('[data-error-for="timeline.scenes.1.duration_s"]')).to_have_text(
        "Enter more than 0.")

    duration.fill("1")
    page.get_by_label("Length (s)").fill("2")  # a blend longer than the scenes
    page.get_by_role("button", name="Preview (draft)").click()
    slot = page.locator('[data-error-for="timeline.scenes.0.transition.duration_s"]')
    expect(slot).to_have_text("2 s is not shorter than scene 2 (1 s)")  # counted from 1
    expect(page.get_by_label("Length (s)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("heading", name="Scene 1: red.png")).to_be_visible()
    expect(page.get_by_label("Duration (seconds)")).not_to_have_attribute("aria-invalid", "true")
    assert account.client.get("/api/v1/tasks").json()["items"] == []

    page.goto(f"{api_server.base_url}/#/editor?from={uuid.uuid4()}")  # not a job of theirs
    expect(page.locator("#toasts")).to_contain_text("Could not open that video's timeline")
    expect(page.get_by_role("heading", name="Scenes", exact=True)).to_be_visible()
    expect(page.locator(".strip .scene-tile")).to_have_count(0)


def test_length_shown_is_the_renderers(page: sync_api.Page, api_server: ApiServer) -> None:
    """The editor's length (views/editor_model.js) against media/plan.py on card timelines:
    half frames, cuts, random draws, every frame rate and a target length."""
    from app.media.plan import make_plan
    from app.media.timeline import parse_timeline
    from app.media.transition_kinds import KINDS

    timelines: list[dict[str, Any]] = []
    for fps in (24, 25, 30, 60):
        for kinds in (["fade", "none", "random"], ["none", "none", "wipeleft"]):
            scenes = [{"kind": "card", "duration_s": s,
                       "transition": {"kind": k, "duration_s": t}}
                      for s, k, t in zip([1.25, 0.7, 2.0 / 3, 1.05], [*kinds, "fade"],
                                         [0.35, 0.5, 0.25, 0.5], strict=True)]
            timelines.append({"scenes": scenes, "seed": fps, "output": {"fps": fps}})
        timelines.append({"scenes": [{"kind": "card", "duration_s": 1}] * 3,
                          "transition": {"kind": "fade", "duration_s": 0.3},
                          "output": {"fps": fps, "duration_s": 2.51}})
    expected = [make_plan(parse_timeline(t), lambda a: Path(a)).total_frames for t in timelines]

    page.goto(api_server.base_url + "/static/icon.svg")
    blends = {k.name: k.blends for k in KINDS}
    got = page.evaluate("""async ([timelines, blends]) => {
      const { exactFrames } = await import("/static/views/editor_model.js");
      return timelines.map((tl) => exactFrames(tl, { clipSeconds: () => null,
                                                     blends: (k) => blends[k] ?? true }).frames);
    }""", [timelines, blends])
    assert got == expected
