"""The Batches screen against the real API and workers: a CSV with a bad row previewed with
the row's problem, a server refusal shown on its row, the batch followed live until every
item is done or failed (with its reason), the view back after a reload, and every reel
downloaded as one ZIP through the page's link."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.support.fixtures import Account
from tests.support.processes import ApiServer, CeleryWorker
from tests.support.reel_workers import reel_worker  # noqa: F401 (a fixture)
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import open_as

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect

BATCH_DEADLINE_MS = 240_000
# row 4 names a voice espeak-ng does not have: accepted, then its voice step fails
CSV = ("topic,script,duration_s,platforms,quality,captions,voice_id\n"
       ",Octopuses have three hearts.,,tiktok|youtube,draft,plain,\n"
       ',"Honey never spoils, they say.",,tiktok,draft,plain,\n'
       "why the sky is blue,,twenty,tiktok,draft,plain,\n"
       ",Nobody will hear this.,,tiktok,draft,plain,zz-nowhere\n")


def test_csv_to_a_finished_batch_and_its_zip(page: sync_api.Page, api_server: ApiServer,
                                             account: Account, worker: CeleryWorker,
                                             reel_worker: CeleryWorker,  # noqa: F811
                                             tmp_path: Path) -> None:
    source = tmp_path / "topics.csv"
    source.write_text(CSV)
    open_as(page, api_server.base_url, account, "batches")
    expect(page.get_by_role("heading", name="Batches", level=1)).to_be_visible()
    expect(page.get_by_text("No batches yet.")).to_be_visible()

    page.get_by_label("Or choose a CSV file").set_input_files(str(source))  # read in the page
    csv = page.get_by_label("Topics (CSV)")
    expect(csv).to_have_value(CSV)
    rows = page.locator(".batch-preview tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(1).locator("td").first).to_have_text("Honey never spoils, they say.")
    expect(rows.nth(2).locator(".row-error")).to_have_text(
        "Row 3: duration must be a number of seconds")
    expect(rows.nth(0).locator(".row-error")).to_have_text("")
    page.get_by_role("button", name="Submit batch").click()
    expect(page.locator("#view-root .form-error")).to_have_text("Fix row 3 first.")

    csv.fill(CSV.replace("twenty", "5"))  # a number, but under the shortest reel
    expect(rows.nth(2).locator(".row-error")).to_have_text("")
    with page.expect_response("**/api/v1/tasks/submit/batch") as refused:
        page.get_by_role("button", name="Submit batch").click()
    assert refused.value.status == 422
    assert refused.value.json()["error"]["field"] == "items[2].duration_s"
    expect(rows.nth(2).locator(".row-error")).to_have_text(
        "Row 3: duration_s must be at least 12")
    assert account.client.get("/api/v1/batches").json()["items"] == []  # nothing stored

    csv.fill(CSV.replace("twenty", "12"))
    with page.expect_response("**/api/v1/tasks/submit/batch") as answer:
        page.get_by_role("button", name="Submit batch").click()
    assert answer.value.status == 202, answer.value.text()
    batch = answer.value.json()
    assert [i["kind"] for i in batch["items"]] == ["workflow"] * 4
    assert page.evaluate("location.hash") == f"#/batches?batch={batch['id']}"

    panel = page.locator(f'.batch[data-batch-id="{batch["id"]}"]')
    items = panel.locator(".batch-item")
    expect(items).to_have_count(4)
    expect(items.nth(0).locator(".batch-title")).to_have_text("Octopuses have three hearts.")
    expect(items.nth(2).locator(".batch-title")).to_have_text("why the sky is blue")
    # some item is seen working, then the whole batch done, all from pushed events
    expect(panel.locator('.batch-item[data-state="running"]').first).to_be_visible(
        timeout=BATCH_DEADLINE_MS)
    expect(panel).to_have_attribute("data-state", "partial", timeout=BATCH_DEADLINE_MS)
    expect(panel.locator(".batch-head .state")).to_have_text("Partly done")
    expect(panel.locator(".batch-counts")).to_have_text(
        "3 done · 1 failed · 0 running · 0 waiting")
    expect(panel.get_by_label("Overall progress")).to_have_js_property("value", 100)
    for n in range(3):
        expect(items.nth(n)).to_have_attribute("data-state", "succeeded")
    expect(items.nth(3)).to_have_attribute("data-state", "failed")
    expect(items.nth(3).locator(".error")).to_contain_text("voice step:")
    recent = page.locator(f'.batch-recent li[data-batch-id="{batch["id"]}"]')
    expect(recent.locator(".state")).to_have_text("Partly done")  # follows the batch's end

    server = account.client.get(f"/api/v1/batches/{batch['id']}").json()
    assert server["state"] == "partial"
    assert server["counts"] == {"succeeded": 3, "failed": 1}
    assert server["items"][2]["title"] == "why the sky is blue"

    page.reload()  # the URL brings the same batch back
    expect(panel).to_have_attribute("data-state", "partial")
    expect(panel.locator(".batch-item")).to_have_count(4)
    expect(items.nth(3).locator(".error")).to_contain_text("voice step:")
    expect(recent).to_contain_text("4 items")
    expect(recent.locator(".state")).to_have_text("Partly done")
    check_a11y(page)
    screenshots(page, "batches")

    link = panel.get_by_role("link", name="Download all (zip)")
    expect(link).to_have_attribute("href", re.compile(
        rf"^/api/v1/batches/{batch['id']}/archive/signed\?exp=\d+&sig=\w+$"))
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "batch.zip"
    download.value.save_as(saved)
    names = zipfile.ZipFile(saved).namelist()
    assert names == ["01-octopuses-have-three-hearts-tiktok.mp4",
                     "01-octopuses-have-three-hearts-tiktok-caption.txt",
                     "01-octopuses-have-three-hearts-youtube.mp4",
                     "01-octopuses-have-three-hearts-youtube-caption.txt",
                     "02-honey-never-spoils-they-say-tiktok.mp4",
                     "02-honey-never-spoils-they-say-tiktok-caption.txt",
                     "03-why-the-sky-is-blue-tiktok.mp4",
                     "03-why-the-sky-is-blue-tiktok-caption.txt",
                     "MANIFEST.txt"], names
    manifest = zipfile.ZipFile(saved).read("MANIFEST.txt").decode()
    assert "4 items, 3 succeeded" in manifest
    assert "04  failed      Nobody will hear this." in manifest
