"""What a finished workflow reports: its reels per platform, or the step that failed."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.config import settings
from app.models import Job, Workflow
from app.services.workflows.steps import StepRow

_REEL_FIELDS = ("duration_s", "width", "height", "size_bytes", "trimmed", "caption",
                "hashtags", "caption_key")


def result_url(job_id: object) -> str:
    return f"{settings.app.API_PREFIX}/tasks/{job_id}/result"


def summary(rows: dict[str, StepRow], workflow: Workflow) -> dict[str, Any]:
    """The reel of each platform (its job's result URL), the render it was made from and
    the attribution text the licences of the library items it used ask for."""
    reels: dict[str, Any] = {}
    for name in workflow.steps:
        platform = name.partition(":")[2]
        if name.startswith("optimize:"):
            row = rows[name]
            reels[platform] = {"job_id": str(row.job_id), "result_url": result_url(row.job_id),
                               **{k: v for k, v in (row.result or {}).items()
                                  if k in _REEL_FIELDS}}
    render = rows["render"]
    out: dict[str, Any] = {"reels": reels, "render_job_id": str(render.job_id),
                           "render_url": result_url(render.job_id),
                           "attribution": (render.result or {}).get("attribution")}
    if "publish" in rows:
        out["published"] = rows["publish"].result
    return out


def failure(session: Session, step: str, job_id: uuid.UUID) -> dict[str, Any]:
    """The failed step, its job and its error code and message."""
    error = session.scalar(select(Job.error).where(Job.id == job_id)) or {}
    return {"step": step, "job_id": str(job_id),
            "code": error.get("code", "failed"), "message": error.get("message", "")}
