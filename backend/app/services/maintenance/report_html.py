"""The daily report as one self-contained HTML page (every value escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = ("body{font:14px system-ui,sans-serif;margin:2em;color:#222}"
         "table{border-collapse:collapse;margin:0 0 2em}"
         "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}")

SECTIONS = (
    ("Volumes per queue and state", "volumes", ("queue", "state", "jobs")),
    ("Failures and their reasons", "failures", ("queue", "code", "jobs", "example")),
    ("Slowest jobs", "slowest_jobs", ("job_id", "kind", "queue", "state", "duration_s")),
    ("Busiest users", "busiest_users", ("email", "jobs", "render_seconds")),
)


def _table(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(row.get(c, '')))}</td>" for c in columns) + "</tr>"
        for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(report: dict[str, Any]) -> str:
    """The page for a report built by `build_report`."""
    day = escape(report["day"])
    totals = report["totals"]
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>Reelforge {day}</title>",
             f"<style>{STYLE}</style><h1>Reelforge daily report, {day} (UTC)</h1>",
             f"<p>{totals['submitted']} jobs submitted, {totals['failed']} failed. "
             f"Generated {escape(report['generated_at'])}.</p>"]
    for title, key, columns in SECTIONS:
        parts.append(f"<h2>{escape(title)}</h2>{_table(report[key], columns)}")
    return "".join(parts) + "</html>\n"
