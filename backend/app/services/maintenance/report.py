"""The daily operations report: volumes, failures, slowest jobs, busiest users of one day.

Stored as `reports/YYYY-MM-DD.json` and `.html` in storage, with a `daily_reports` row;
regenerating a day overwrites both, so the task is idempotent.
"""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from app.core.config import settings
from app.core.db import sync_session
from app.core.temp_names import REPORT_FOLDER
from app.models import Job, User
from app.models.report import DailyReport
from app.services.maintenance.report_html import render_html
from app.services.maintenance.usage import day_bounds
from app.storage import get_storage

TOP = 10
FAILED = ("failed", "dead")


def _volumes(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Job.queue, Job.state, func.count()).where(Job.created_at >= start,
                                                         Job.created_at < end)
        .group_by(Job.queue, Job.state).order_by(Job.queue, Job.state))
    return [{"queue": q, "state": s, "jobs": n} for q, s, n in rows]


def _failures(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    code, message = Job.error["code"].astext, Job.error["message"].astext
    rows = session.execute(
        select(Job.queue, code, func.count(), func.min(message))
        .where(Job.state.in_(FAILED), Job.finished_at >= start, Job.finished_at < end)
        .group_by(Job.queue, code).order_by(func.count().desc(), Job.queue))
    return [{"queue": q, "code": c or "unknown", "jobs": n, "example": m} for q, c, n, m in rows]


def _slowest(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    duration = func.extract("epoch", Job.finished_at - Job.started_at)
    rows = session.execute(
        select(Job.id, Job.user_id, Job.kind, Job.queue, Job.state, duration)
        .where(Job.started_at.is_not(None), Job.finished_at >= start, Job.finished_at < end)
        .order_by(duration.desc()).limit(TOP))
    return [{"job_id": str(i), "user_id": str(u), "kind": k, "queue": q, "state": s,
             "duration_s": round(float(d), 3)} for i, u, k, q, s, d in rows]


def _busiest(session: Session, start: datetime, end: datetime) -> list[dict[str, Any]]:
    render_s = func.sum(func.extract("epoch", Job.finished_at - Job.started_at))
    rows = session.execute(
        select(Job.user_id, User.email, func.count(), func.coalesce(render_s, 0))
        .join(User, User.id == Job.user_id)
        .where(Job.created_at >= start, Job.created_at < end)
        .group_by(Job.user_id, User.email).order_by(func.count().desc(), User.email).limit(TOP))
    return [{"user_id": str(u), "email": e, "jobs": n, "render_seconds": round(float(r), 3)}
            for u, e, n, r in rows]


def build_report(session: Session, day: date) -> dict[str, Any]:
    """The report's content for one UTC day."""
    start, end = day_bounds(day)
    volumes = _volumes(session, start, end)
    failures = _failures(session, start, end)
    totals = {"submitted": sum(v["jobs"] for v in volumes),
              "failed": sum(f["jobs"] for f in failures)}
    return {"day": day.isoformat(), "generated_at": datetime.now(UTC).isoformat(),
            "totals": totals, "volumes": volumes, "failures": failures,
            "slowest_jobs": _slowest(session, start, end),
            "busiest_users": _busiest(session, start, end)}


def _store(key: str, content: str) -> None:
    settings.app.temp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=REPORT_FOLDER, dir=settings.app.temp_dir) as work:
        path = Path(work) / "report"
        path.write_text(content, encoding="utf-8")
        get_storage().put_file(key, path)


def generate_daily_report(*, day: date) -> dict[str, Any]:
    """At midnight UTC: build, store and record the report of `day`."""
    with sync_session() as session:
        report = build_report(session, day)
        json_key, html_key = (f"reports/{day.isoformat()}.{ext}" for ext in ("json", "html"))
        _store(json_key, json.dumps(report, indent=2))
        _store(html_key, render_html(report))
        row = insert(DailyReport).values(day=day, json_key=json_key, html_key=html_key,
                                         summary=report["totals"], generated_at=func.now())
        session.execute(row.on_conflict_do_update(
            index_elements=[DailyReport.day],
            set_={"json_key": json_key, "html_key": html_key, "summary": report["totals"],
                  "generated_at": func.now()}))
        session.commit()
    return {"day": day.isoformat(), "json_key": json_key, "html_key": html_key,
            **report["totals"]}
