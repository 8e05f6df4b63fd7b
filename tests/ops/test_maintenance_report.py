"""The daily report: stored as JSON and HTML with a daily_reports row, regenerated in place."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, select

from app.core.config import settings
from app.models import DailyReport
from app.services.maintenance import generate_daily_report
from tests.ops.rows import add_jobs, job, make_user
from tests.support.store import read_object

DAY = date(2004, 7, 8)
START = datetime(2004, 7, 8, 1, tzinfo=UTC)


def report_rows() -> list[DailyReport]:
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        rows = list(conn.execute(select(DailyReport.__table__)
                                 .where(DailyReport.day == DAY)))
    engine.dispose()
    return rows  # type: ignore[return-value]


def test_report_holds_volumes_failures_slowest_jobs_and_busiest_users() -> None:
    busy, light = make_user(email="busy<b>@example.com"), make_user()
    slow = [job(busy, created=START + timedelta(minutes=i), run_s=float(i + 1))
            for i in range(12)]
    failed = [job(light, created=START, state="failed", queue="content", error_code=code)
              for code in ("tts_failed", "tts_failed", "timeout")]
    outside = job(busy, created=START - timedelta(days=1), run_s=999.0)  # the day before
    add_jobs([*slow, *failed, outside])

    result = generate_daily_report(day=DAY)

    assert result["json_key"] == "reports/2004-07-08.json"
    report = json.loads(read_object("reports/2004-07-08.json"))
    assert report["totals"] == {"submitted": 15, "failed": 3}
    assert {"queue": "video", "state": "succeeded", "jobs": 12} in report["volumes"]
    assert report["failures"][0] == {"queue": "content", "code": "tts_failed", "jobs": 2,
                                     "example": "tts_failed happened"}
    durations = [j["duration_s"] for j in report["slowest_jobs"]]
    assert durations == [12.0, 11.0, 10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0]
    assert [u["email"] for u in report["busiest_users"]][:2] == [
        "busy<b>@example.com", f"ops-{light.hex[:12]}@example.com"]
    assert report["busiest_users"][0]["jobs"] == 12
    html = read_object("reports/2004-07-08.html").decode()
    assert "busy&lt;b&gt;@example.com" in html and "<b>" not in html
    assert "tts_failed" in html
    [row] = report_rows()
    assert (row.json_key, row.html_key) == ("reports/2004-07-08.json", "reports/2004-07-08.html")
    assert row.summary == {"submitted": 15, "failed": 3}

    first = row.generated_at
    generate_daily_report(day=DAY)  # regenerating overwrites in place
    [again] = report_rows()
    assert again.generated_at > first
