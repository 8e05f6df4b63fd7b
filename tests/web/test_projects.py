"""The Projects screen in a real browser against the real API: an empty start, a project
created with its brand kit and checked on the server, a refused duplicate name, an edit,
"Make a reel" into the Topic → reel form, and a delete refused while its reel runs, then
done by cancelling that work."""

from __future__ import annotations

import pytest

from tests.support.fixtures import Account
from tests.support.media import image_bytes, tone_wav
from tests.support.processes import ApiServer
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import open_as

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect


def _create(page: sync_api.Page, name: str, topic: str) -> None:
    page.get_by_role("button", name="New project").click()
    form = page.locator("form.project-form")
    form.get_by_label("Name").fill(name)
    form.get_by_label("Topic").fill(topic)


def test_projects_create_edit_make_a_reel_and_delete(page: sync_api.Page, api_server: ApiServer,
                                                     account: Account) -> None:
    music = account.upload(tone_wav(3.0), "bed.wav", "audio")
    logo = account.upload(image_bytes((200, 40, 40), (256, 256)), "logo.png", "image")
    assert music.status_code == 201 and logo.status_code == 201, (music.text, logo.text)
    open_as(page, api_server.base_url, account, "projects")
    expect(page.get_by_text("No projects yet")).to_be_visible()
    expect(page.get_by_role("link", name="make a reel without a project")).to_be_visible()

    _create(page, "Tea facts", "the history of tea")
    form = page.locator("form.project-form")
    form.get_by_label("Audience").fill("tea lovers")
    form.get_by_label("Tone").select_option("funny")
    form.get_by_label("Language").fill("en-GB")
    voice = form.get_by_label("Voice", exact=True).locator("option").nth(1).get_attribute("value")
    assert voice and "|" in voice
    form.get_by_label("Voice", exact=True).select_option(voice)
    form.get_by_label("TikTok").check()
    form.get_by_label("YouTube", exact=True).check()
    form.get_by_label("Own caption colours").check()
    form.get_by_label("Caption text").fill("#ff0000")
    form.get_by_label("Spoken word").fill("#00ff00")
    form.get_by_label("Music", exact=True).select_option(label="bed.wav")
    form.get_by_label("Music volume (dB)").fill("-12")
    form.get_by_label("Lower the music while the voice speaks").uncheck()
    check_a11y(page)
    screenshots(page, "project-form")
    form.get_by_role("button", name="Create project").click()

    card = page.locator('.project[data-project="1"]')
    expect(card.get_by_role("heading", name="Tea facts")).to_be_visible()
    expect(card.locator('[data-fact="platforms"]')).to_have_text("TikTok, YouTube")
    expect(card.locator('[data-fact="brand kit"]')).to_have_text("caption colours, music")
    expect(card.get_by_text("No reels yet.")).to_be_visible()
    [saved] = account.client.get("/api/v1/projects").json()
    assert saved["number"] == 1 and saved["name"] == "Tea facts"
    assert saved["topic"] == "the history of tea" and saved["audience"] == "tea lovers"
    assert saved["tone"] == "funny" and saved["language"] == "en-GB"
    assert saved["voice"]["voice"] == voice.split("|", 1)[1]
    assert saved["platforms"] == ["tiktok", "youtube"]
    assert saved["brand"]["captions"]["color"] == "#ff0000"
    assert saved["brand"]["captions"]["highlight"] == "#00ff00"
    assert saved["brand"]["music"] == {"asset_id": music.json()["id"], "volume_db": -12.0,
                                       "duck": False}
    assert saved["brand"]["colors"] is None and saved["brand"]["watermark"] is None
    expect(card.locator('[data-fact="voice"]')).not_to_have_text(saved["voice"]["voice"])
    check_a11y(page)
    screenshots(page, "projects")
    page.goto(f"{api_server.base_url}/")  # with a project, Projects is the home screen
    expect(page).to_have_url(f"{api_server.base_url}/#/projects")
    expect(card.get_by_role("heading", name="Tea facts")).to_be_visible()

    _create(page, "Tea facts", "another topic")  # the name is taken: said next to the field
    page.locator("form.project-form").get_by_role("button", name="Create project").click()
    expect(page.locator('form.project-form [data-error-for="name"]')).to_contain_text("name")
    page.locator("form.project-form").get_by_role("button", name="Cancel").click()
    expect(page.locator("form.project-form")).to_have_count(0)
    assert len(account.client.get("/api/v1/projects").json()) == 1

    card.get_by_role("button", name="Edit Tea facts").click()
    form = page.locator("form.project-form")
    expect(form.get_by_label("Audience")).to_have_value("tea lovers")
    expect(form.get_by_label("Music", exact=True)).to_have_value(music.json()["id"])
    form.get_by_label("Audience").fill("tea drinkers")
    form.get_by_label("Own card colours").check()
    form.get_by_label("Card top").fill("#112233")
    expect(form.get_by_label("Watermark corner")).to_have_value("bottom_right")
    form.get_by_label("Watermark", exact=True).select_option(label="logo.png")
    form.get_by_label("Watermark corner").select_option("top_left")
    form.get_by_role("button", name="Save project").click()
    expect(card.locator('[data-fact="audience"]')).to_have_text("tea drinkers")
    changed = account.client.get("/api/v1/projects/1").json()
    assert changed["audience"] == "tea drinkers"
    assert changed["brand"]["colors"]["primary"] == "#112233"
    assert changed["brand"]["music"]["volume_db"] == -12.0  # kept as it was
    assert changed["brand"]["watermark"]["asset_id"] == logo.json()["id"]
    assert changed["brand"]["watermark"]["position"] == "top_left"

    card.get_by_role("button", name="Make a reel in Tea facts").click()
    expect(page).to_have_url(f"{api_server.base_url}/#/reel?project=1")
    expect(page.get_by_label("Project", exact=True)).to_have_value("1")
    expect(page.get_by_label("TikTok")).to_be_checked()
    expect(page.get_by_label("YouTube", exact=True)).to_be_checked()
    expect(page.locator("#reel-topic-hint")).to_contain_text("the history of tea")
    with page.expect_response("**/api/v1/tasks/submit/workflow") as answer:
        page.get_by_role("button", name="Make the reel").click()  # the project's topic
    assert answer.value.status == 202, answer.value.text()
    workflow = answer.value.json()
    assert workflow["params"]["topic"] == "the history of tea"
    expect(page).to_have_url(f"{api_server.base_url}/#/reel?workflow={workflow['id']}")
    expect(page.locator(".stage")).to_have_count(5)  # script, voice, render, two platforms

    page.get_by_role("link", name="Projects").click()
    expect(card.locator(f'.recent [data-workflow-id="{workflow["id"]}"]')).to_contain_text(
        "the history of tea")
    card.get_by_role("button", name="Delete Tea facts").click()
    page.get_by_role("button", name="Delete project").click()
    expect(card.locator(".confirm [role=alert]")).to_contain_text("1 running workflow")
    page.get_by_role("button", name="Cancel running work and delete").click()
    expect(page.get_by_text("No projects yet")).to_be_visible()
    assert account.client.get("/api/v1/projects").json() == []
    after = account.client.get(f"/api/v1/workflows/{workflow['id']}").json()
    assert after["state"] == "cancelled"
