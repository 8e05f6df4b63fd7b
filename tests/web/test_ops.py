"""The operator console in a real browser against the real API and workers: a dead letter
found, read and requeued (and another discarded), a queue scaled on the local backend,
failure-rate alerts and charts, plans changed and an account deactivated; none of it
reachable for a non-admin."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete

from app.core.config import settings
from app.models import Job
from tests.ops.pools import wait_pool
from tests.ops.rows import add_jobs, job
from tests.support.canary import insert_canary
from tests.support.fixtures import Account
from tests.support.jobs import cancel_waiting
from tests.support.processes import ApiServer, CeleryWorker
from tests.web.a11y import check_a11y, screenshots
from tests.web.dashboard import open_as

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
expect = sync_api.expect

DEAD_DEADLINE_MS = 60_000  # four canary attempts with full-jitter backoff of at most 2+4+8 s
OPS_SCREENS = ("fleet", "dead-letters", "performance", "users")


def _delete_jobs(ids: list[uuid.UUID]) -> None:
    engine = create_engine(settings.database.sync_url)
    with engine.begin() as conn:
        conn.execute(delete(Job).where(Job.id.in_(ids)))
    engine.dispose()


@pytest.fixture
def gpu_worker(tmp_root: Path) -> Iterator[CeleryWorker]:
    """A worker of its own on the gpu queue (nothing else here consumes it); scaled back to
    its one process and stopped afterwards, so no pool outlives the test."""
    cancel_waiting("gpu")  # 4K submits of other tests: a backlog would keep it busy
    with CeleryWorker.running(name="gpu-ops", queues="gpu", concurrency=1,
                              log_dir=tmp_root / "logs") as proc:
        yield proc


def test_an_operator_finds_a_dead_letter_reads_it_and_requeues_it(
        page: sync_api.Page, api_server: ApiServer, account: Account,
        admin_account: Account, default_worker: CeleryWorker) -> None:
    job_id = str(insert_canary(account.user_id, fail_times=4))  # the default policy: 3 retries
    dead = account.wait_job(job_id)
    assert (dead["state"], dead["attempts"]) == ("dead", 4)

    open_as(page, api_server.base_url, admin_account, "dead-letters",
            "task_type=system.canary&error_code=transient_error")
    item = page.locator(f'.dead-letter[data-job-id="{job_id}"]')
    expect(item).to_contain_text("system.canary")
    expect(item).to_contain_text(
        "transient_error: TransientError: canary failing on attempt 4 as asked")
    expect(item).to_contain_text("4 attempts")
    details = item.locator(".dl-details")
    expect(details).to_be_hidden()
    item.get_by_role("button", name="Details").click()
    expect(item.get_by_role("button", name="Hide details")).to_have_attribute("aria-expanded",
                                                                              "true")
    attempts = details.locator(".dl-attempts li")
    expect(attempts).to_have_count(4)
    for number in range(1, 5):
        expect(attempts.nth(number - 1)).to_contain_text(f"Attempt {number} · on "
                                                         f"{default_worker.hostname}")
        expect(attempts.nth(number - 1)).to_contain_text(
            f"transient_error: TransientError: canary failing on attempt {number} as asked")
    expect(details).to_contain_text('"fail_times": 4')
    check_a11y(page)
    screenshots(page, "dead-letters")

    item.get_by_role("button", name="Requeue").click()
    expect(item).to_have_count(0)
    expect(page.locator("#toasts")).to_contain_text("Requeued 1 job")
    again = account.wait_job(job_id)  # queued again, then the fifth attempt passes
    assert (again["state"], again["attempts"]) == ("succeeded", 5)
    requeued = [h for h in again["history"] if h.get("by") == "admin_requeue"]
    assert [h["state"] for h in requeued] == ["queued"]
    letters = admin_account.client.get("/api/v1/admin/dead-letters",
                                       params={"task_type": "system.canary"}).json()
    assert job_id not in {d["id"] for d in letters}


def test_an_operator_filters_dead_letters_and_discards_the_selected(
        page: sync_api.Page, api_server: ApiServer, account: Account,
        admin_account: Account) -> None:
    code = f"ui_{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    rows = [job(uuid.UUID(account.user_id), created=now - timedelta(minutes=m), state="dead",
                error_code=code) for m in (5, 6)]
    add_jobs(rows)
    ids = [str(r["id"]) for r in rows]
    try:
        open_as(page, api_server.base_url, admin_account, "dead-letters")
        page.get_by_label("Error code").fill(code)
        page.get_by_label("Died").select_option(label="Last hour")
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(re.compile(rf"#/dead-letters\?.*error_code={code}"))
        expect(page.locator(".dead-letter")).to_have_count(2)
        expect(page.get_by_role("button", name="Discard selected")).to_be_disabled()
        page.get_by_label("Select all shown").check()
        expect(page.get_by_role("button", name="Discard selected (2)")).to_be_enabled()
        page.get_by_role("button", name="Discard selected (2)").click()
        confirm = page.get_by_role("group", name="Discard 2 jobs for good?")
        confirm.get_by_role("button", name="Cancel").click()  # nothing happens
        expect(page.locator(".dead-letter")).to_have_count(2)
        expect(page.get_by_role("button", name="Discard selected (2)")).to_be_focused()
        page.get_by_role("button", name="Discard selected (2)").click()
        confirm.get_by_role("button", name="Discard").click()
        expect(page.locator(".dead-letter")).to_have_count(0)
        expect(page.get_by_text("No dead letters match.")).to_be_visible()
        for job_id in ids:
            body = account.client.get(f"/api/v1/tasks/{job_id}").json()
            assert body["state"] == "failed" and body["error"]["code"] == code
        left = admin_account.client.get("/api/v1/admin/dead-letters",
                                        params={"error_code": code}).json()
        assert left == []
    finally:
        _delete_jobs([r["id"] for r in rows])


def test_an_operator_scales_a_queue_on_the_local_backend(
        page: sync_api.Page, api_server: ApiServer, admin_account: Account,
        gpu_worker: CeleryWorker) -> None:
    # the queue's asked size outlives the workers that had it (tests/ops scale gpu too)
    assert admin_account.client.post("/api/v1/admin/scale", json={
        "queue": "gpu", "desired_workers": 1}).status_code == 200
    try:
        open_as(page, api_server.base_url, admin_account, "fleet")
        queue = page.locator('.fleet table tr[data-queue="gpu"]').first
        expect(queue.locator(".health")).to_have_text(re.compile("Healthy|Warning|Critical"))
        workers = page.get_by_role("region", name="Workers per queue")
        row = workers.locator('tr[data-queue="gpu"]')
        expect(row).to_contain_text(f"{gpu_worker.hostname}: 1 process")
        expect(page.get_by_text("Scaling backend: local")).to_be_visible()
        field = page.get_by_label("Workers for gpu")
        expect(field).to_have_value("1")
        check_a11y(page)
        screenshots(page, "fleet")

        field.fill("2")
        row.get_by_role("button", name="Apply").click()
        expect(row).to_contain_text(f"{gpu_worker.hostname}: 2 processes", timeout=30_000)
        expect(row.locator(".ops-counts")).to_have_text("2 / 2")
        wait_pool(gpu_worker.hostname, 2)
        [gpu] = admin_account.client.get("/api/v1/admin/scale",
                                         params={"queue_name": "gpu"}).json()["items"]
        assert (gpu["desired_workers"], gpu["observed_workers"]) == (2, 2)
        assert [(w["hostname"], w["processes"]) for w in gpu["workers"]] == [
            (gpu_worker.hostname, 2)]

        field.fill(str(settings.scaling.SCALE_MAX_WORKERS + 1))
        row.get_by_role("button", name="Apply").click()
        expect(row.locator('[data-error-for="desired_workers"]')).not_to_be_empty()
        expect(field).to_have_attribute("aria-invalid", "true")

        # scaled elsewhere (the API): the screen's 5 s refresh shows it without a click
        back = admin_account.client.post("/api/v1/admin/scale",
                                         json={"queue": "gpu", "desired_workers": 1})
        assert back.status_code == 200, back.text
        expect(row).to_contain_text(f"{gpu_worker.hostname}: 1 process", timeout=20_000)
        expect(row.locator(".ops-counts")).to_have_text("1 / 1")
    finally:
        back = admin_account.client.post("/api/v1/admin/scale",
                                         json={"queue": "gpu", "desired_workers": 1})
        assert back.status_code == 200, back.text
        wait_pool(gpu_worker.hostname, 1)


def test_performance_shows_failure_alerts_and_charts(
        page: sync_api.Page, api_server: ApiServer, admin_account: Account) -> None:
    task = f"ops.ui_{uuid.uuid4().hex[:8]}"
    now = datetime.now(UTC)
    user = uuid.UUID(admin_account.user_id)
    rows: list[dict[str, Any]] = []
    for minutes, state in ((5, "succeeded"), (8, "failed"), (12, "succeeded"),
                           (20, "dead"), (40, "succeeded"), (200, "succeeded"),
                           (480, "succeeded")):
        row = job(user, created=now - timedelta(minutes=minutes), state=state, run_s=2.0,
                  error_code="boom" if state != "succeeded" else None)
        rows.append({**row, "task_name": task, "queue": "default"})
    add_jobs(rows)
    try:
        open_as(page, api_server.base_url, admin_account, "performance")
        alert = page.locator(f'.ops-alert[data-task="{task}"]')
        expect(alert).to_contain_text("Critical")  # 2 of 5 failed: 40 %, critical from 25 %
        expect(alert).to_contain_text("40 % of 5 jobs failed in the last 60 minutes")
        expect(page.locator(f'tr[data-task="{task}"]')).to_contain_text("3 / 2")
        charts = page.locator(f'.ops-task[data-task="{task}"] svg.chart')
        expect(charts).to_have_count(2)
        expect(page.get_by_label("Period")).to_have_value("24")
        expect(page.locator(f'.ops-task[data-task="{task}"] h3')).to_contain_text("7 finished")
        assert f"{task} run time: latest p50 2.00 s" in (charts.first.get_attribute("aria-label")
                                                         or "")
        assert charts.first.locator("circle").count() >= 2
        check_a11y(page)
        screenshots(page, "performance")
        page.get_by_label("Period").select_option(label="Last 6 hours")
        expect(page).to_have_url(re.compile(r"#/performance\?hours=6$"))
        expect(page.locator(f'tr[data-task="{task}"]')).to_contain_text("3 / 2")
        expect(page.locator(f'.ops-task[data-task="{task}"] h3')).to_contain_text("6 finished")
    finally:
        _delete_jobs([r["id"] for r in rows])


def test_an_operator_changes_a_plan_and_deactivates_an_account(
        page: sync_api.Page, api_server: ApiServer, admin_account: Account,
        make_account: Callable[..., Account]) -> None:
    target = make_account()
    plans = [p["name"] for p in admin_account.client.get("/api/v1/admin/plans").json()]
    other = next(p for p in plans if p != "pro")
    open_as(page, api_server.base_url, admin_account, "users")
    page.get_by_label("Email contains").fill(target.email.upper())
    page.get_by_role("button", name="Search").click()
    row = page.locator(f'tr[data-user-id="{target.user_id}"]')
    expect(row).to_contain_text(target.email)
    expect(page.get_by_text("1–1 of 1 accounts")).to_be_visible()
    plan = page.get_by_label(f"Plan of {target.email}")
    expect(plan).to_have_value("pro")
    assert plan.locator("option").all_inner_texts() == plans  # the API's plans, in its order
    check_a11y(page)
    screenshots(page, "users")

    plan.select_option(other)
    expect(page.locator("#toasts")).to_contain_text(f"{target.email} is now on the {other} plan")
    row.get_by_role("button", name=f"Deactivate {target.email}").click()
    row.get_by_role("group").get_by_role("button", name="Deactivate").click()
    expect(row.locator(".ops-status")).to_have_text("Deactivated")
    [listed] = admin_account.client.get("/api/v1/admin/users",
                                        params={"email": target.email}).json()["items"]
    assert (listed["plan"], listed["is_active"]) == (other, False)
    assert target.client.get("/api/v1/auth/me").status_code == 401  # signed out everywhere

    page.reload()  # the state shown after a reload is the server's
    expect(row.locator(".ops-status")).to_have_text("Deactivated")
    expect(plan).to_have_value(other)
    own = page.locator(f'tr[data-user-id="{admin_account.user_id}"]')
    page.get_by_label("Email contains").fill(admin_account.email)
    page.get_by_role("button", name="Search").click()
    expect(own).to_contain_text("(you)")
    expect(own.get_by_role("button", name=re.compile("Deactivate"))).to_be_hidden()


def test_a_non_admin_never_sees_or_reaches_the_operator_screens(
        page: sync_api.Page, api_server: ApiServer, account: Account) -> None:
    open_as(page, api_server.base_url, account, "studio")
    for screen in OPS_SCREENS:
        expect(page.locator(f'#nav a[data-view="{screen}"]')).to_have_count(0)
        page.evaluate("name => { location.hash = `#/${name}`; }", screen)
        expect(page).to_have_url(re.compile(r"#/studio$"))
        expect(page.locator("#app-view")).to_be_visible()
        expect(page.locator("#view-root")).to_be_hidden()
    assert page.title() == "Slideshow · Reelforge"
    page.goto(f"{api_server.base_url}/#/dead-letters?task_type=system.canary")  # a fresh load
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    expect(page).to_have_url(re.compile(r"#/studio$"))
    expect(page.locator(".dead-list")).to_have_count(0)


def test_an_admin_sees_the_operator_screens_in_the_nav(
        page: sync_api.Page, api_server: ApiServer, admin_account: Account) -> None:
    open_as(page, api_server.base_url, admin_account, "studio")
    ours = ["Fleet", "Dead letters", "Performance", "Users"]
    labels = page.locator("#nav a.admin").all_inner_texts()
    assert [label for label in labels if label in ours] == ours


COUNT_STATS_CALLS = """() => {
  window.statsCalls = 0;
  const original = window.fetch.bind(window);
  window.fetch = (url, init) => {
    if (String(url).includes("/tasks/stats/queues")) window.statsCalls += 1;
    return original(url, init);
  };
}"""


def test_the_fleet_refreshes_every_five_seconds_only_while_shown(
        page: sync_api.Page, api_server: ApiServer, admin_account: Account) -> None:
    page.clock.install()  # timers run when the test says, so counting them is exact
    page.add_init_script(f"({COUNT_STATS_CALLS})()")
    open_as(page, api_server.base_url, admin_account, "fleet")
    expect(page.locator(".ops-updated")).to_contain_text("Updated")
    assert page.evaluate("window.statsCalls") == 1
    page.clock.run_for(4_000)
    assert page.evaluate("window.statsCalls") == 1
    first = page.locator(".ops-updated").inner_text()
    page.clock.run_for(1_100)
    assert page.evaluate("window.statsCalls") == 2
    expect(page.locator(".ops-updated")).not_to_have_text(first)  # that refresh finished
    page.get_by_role("button", name="Refresh").click()
    assert page.evaluate("window.statsCalls") == 3
    page.locator('#nav a[data-view="users"]').click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    calls = page.evaluate("window.statsCalls")
    page.clock.run_for(30_000)
    assert page.evaluate("window.statsCalls") == calls  # the timer ended with the screen
