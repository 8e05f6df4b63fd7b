"""The Results screen against the real API and worker: a slideshow that finishes while the
screen is open appears first, plays and downloads; without connected accounts the publish
dialog says where to connect one; older results page in with "Show more". A workflow's
reel offers each platform's version and its caption text; a post is scheduled to a
connected account."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.media.probe import probe
from tests.support.fixtures import Account
from tests.support.jobs import submit, upload_images
from tests.support.posts import insert_account
from tests.support.processes import ApiServer, CeleryWorker
from tests.support.reel_workers import reel_worker  # noqa: F401 (a fixture)
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import JOB_DEADLINE_MS, open_as

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect

PLAYABLE = """id => {
  const v = document.querySelector(`.result[data-job-id="${id}"] video`);
  return !!v && v.readyState >= 1 && v.duration > 0;
}"""


def test_a_finished_slideshow_in_the_gallery(page: sync_api.Page, api_server: ApiServer,
                                            account: Account, worker: CeleryWorker,
                                            tmp_path: Path) -> None:
    images = upload_images(account, 2)
    older = [submit(account, images, seconds_per_image=0.5) for _ in range(13)]
    for job in older:  # a full page (12) and one more
        assert account.wait_job(job["id"])["state"] == "succeeded"
    open_as(page, api_server.base_url, account, "results")
    cards = page.locator(".gallery .result")
    expect(cards).to_have_count(12)
    expect(page.get_by_role("button", name="Show more")).to_be_visible()
    page.get_by_role("button", name="Show more").click()
    expect(cards).to_have_count(13)
    expect(page.get_by_role("button", name="Show more")).to_be_hidden()
    assert cards.first.get_attribute("data-job-id") == older[-1]["id"]  # newest first

    job = submit(account, images, seconds_per_image=1.0)  # finishes while the screen is open
    card = page.locator(f'.result[data-job-id="{job["id"]}"]')
    expect(card).to_be_visible(timeout=JOB_DEADLINE_MS)
    expect(cards).to_have_count(14)
    assert cards.first.get_attribute("data-job-id") == job["id"]  # prepended, from the event
    expect(card.get_by_role("heading")).to_have_text("Slideshow · 2 photos")
    expect(card).to_contain_text("2.0 s")
    expect(card.locator(".variant-field")).to_be_hidden()  # one version only
    expect(card.get_by_role("button", name="Caption text")).to_be_hidden()
    server = account.client.get("/api/v1/tasks", params={"state": "succeeded",
                                                         "kind": "video"}).json()
    assert server["items"][0]["id"] == job["id"]

    page.wait_for_function(PLAYABLE, arg=job["id"])  # loaded once in view: its poster
    with page.expect_download() as download:
        card.get_by_role("button", name="Download").click()
    saved = tmp_path / "video.mp4"
    download.value.save_as(saved)
    assert download.value.suggested_filename == f"reelforge-{job['id'][:8]}.mp4"
    info = probe(saved)
    assert info.has_video and (info.width, info.height) == (1080, 1080)
    assert 1.5 < info.duration_s < 2.5

    card.get_by_role("button", name="Publish or schedule").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("No social account is connected yet.")
    expect(dialog.get_by_role("link", name="Connect an account in Account")).to_have_attribute(
        "href", "#/account")
    check_a11y(page)
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    check_a11y(page)
    screenshots(page, "results")

    # the same video opens in the timeline editor, its two photos as two scenes
    card.get_by_role("link", name="Edit in timeline").click()
    expect(page).to_have_url(f"{api_server.base_url}/#/editor?from={job['id']}")
    expect(page.locator(".strip .scene-tile")).to_have_count(2)


def test_a_workflow_reel_with_its_platform_versions(page: sync_api.Page, api_server: ApiServer,
                                                    account: Account, worker: CeleryWorker,
                                                    reel_worker: CeleryWorker,  # noqa: F811
                                                    tmp_path: Path) -> None:
    open_as(page, api_server.base_url, account, "results")
    expect(page.get_by_text("Nothing finished yet.")).to_be_visible()
    submitted = account.client.post("/api/v1/tasks/submit/workflow", json={
        "script": "Octopuses have three hearts and blue blood.", "platforms": ["tiktok", "youtube"],
        "video": {"quality": "draft", "captions": "plain"}})
    assert submitted.status_code == 202, submitted.text
    workflow = submitted.json()
    render = next(s["job_id"] for s in workflow["steps"] if s["step"] == "render")
    card = page.locator(f'.result[data-job-id="{render}"]')
    expect(card).to_be_visible(timeout=JOB_DEADLINE_MS)  # the render, as soon as it is done
    expect(card.get_by_role("heading")).to_have_text(
        "Octopuses have three hearts and blue blood.")
    picker = card.get_by_label("Version of Octopuses have three hearts and blue blood.")
    # the platform versions once the workflow is done (its last stage event)
    expect(picker.locator("option")).to_have_text(["Original render", "tiktok", "youtube"],
                                                  timeout=JOB_DEADLINE_MS)
    done = account.client.get(f"/api/v1/workflows/{workflow['id']}").json()
    assert done["state"] == "succeeded"
    reels = done["result"]["reels"]
    expect(picker).to_have_value(reels["tiktok"]["job_id"])
    expect(card).to_contain_text("Subtitles are part of the picture")
    picker.select_option(label="youtube")
    expect(card.locator("video")).to_have_attribute("aria-label", re.compile(r"youtube$"))
    page.wait_for_function(PLAYABLE, arg=render)
    size = card.locator("video").evaluate("v => [v.videoWidth, v.videoHeight]")
    assert size[0] > size[1]  # the landscape version
    with page.expect_download() as download:
        card.get_by_role("button", name="Caption text").click()
    assert download.value.suggested_filename == "caption-youtube.txt"
    saved = tmp_path / "caption.txt"
    download.value.save_as(saved)
    assert saved.read_text() == reels["youtube"]["caption"]
    with page.expect_download() as video:
        card.get_by_role("button", name="Download").click()
    assert video.value.suggested_filename == f"reelforge-{render[:8]}-youtube.mp4"
    check_a11y(page)


def test_schedule_a_post_to_a_connected_account(page: sync_api.Page, api_server: ApiServer,
                                                account: Account, worker: CeleryWorker) -> None:
    account_id = insert_account(account.user_id, platform="youtube")
    job = submit(account, upload_images(account, 1), seconds_per_image=1.0)
    assert account.wait_job(job["id"])["state"] == "succeeded"
    open_as(page, api_server.base_url, account, "results")
    card = page.locator(f'.result[data-job-id="{job["id"]}"]')
    card.get_by_role("button", name="Publish or schedule").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Publish “Slideshow · 1 photo”")
    expect(dialog.get_by_role("button", name="Post now")).to_be_visible()
    dialog.get_by_label("At a time").check()
    dialog.get_by_role("button", name="Schedule").click()
    expect(dialog.locator('[data-error-for="publish_at"]')).to_have_text("Choose a date and time.")
    when = (datetime.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    dialog.get_by_label("Publish at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    dialog.get_by_label("Privacy").select_option("unlisted")
    dialog.get_by_role("button", name="Schedule").click()
    expect(dialog.locator('[data-error-for="account_ids"]')).to_have_text(
        "Choose at least one account.")
    check_a11y(page)
    dialog.get_by_label("m (youtube)").check()
    with page.expect_response("**/api/v1/tasks/submit/social") as answer:
        dialog.get_by_role("button", name="Schedule").click()
    assert answer.value.status == 202, answer.value.text()
    expect(dialog).to_be_hidden()
    expect(page.locator("#toasts")).to_contain_text("Scheduled 1 post.")

    posts = account.client.get("/api/v1/social/posts").json()["items"]
    assert len(posts) == 1
    post = posts[0]
    assert (post["account_id"], post["source_kind"], post["source_id"]) == (
        account_id, "job", job["id"])
    assert (post["state"], post["privacy"]) == ("scheduled", "unlisted")
    scheduled = datetime.fromisoformat(post["publish_at"])
    assert scheduled == when.astimezone(UTC)  # the browser's local time, sent with its zone
