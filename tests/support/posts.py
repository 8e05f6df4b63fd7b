"""Rows for post tests that do not need a platform: a succeeded reel job and a connected
account written straight into their tables (the OAuth flow and real renders are covered
by tests/posts/test_publish.py and tests/api/test_social_accounts.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session


def _add(row: Any) -> str:
    from app.core.config import settings

    engine = create_engine(settings.database.sync_url)
    try:
        with Session(engine) as db:
            db.add(row)
            db.commit()
            return str(row.id)
    finally:
        engine.dispose()


def write(*statements: object) -> None:
    """Run SQL statements (updates, deletes) in one committed transaction."""
    from app.core.config import settings

    engine = create_engine(settings.database.sync_url)
    try:
        with Session(engine) as db:
            for statement in statements:
                db.execute(statement)  # type: ignore[call-overload]
            db.commit()
    finally:
        engine.dispose()


def insert_account(user_id: str, platform: str = "youtube", status: str = "active") -> str:
    from app.models import SocialAccount
    from app.publishing.base import Tokens
    from app.services.social_accounts.tokens import seal_tokens

    row = SocialAccount(user_id=uuid.UUID(user_id), platform=platform,
                        external_id=uuid.uuid4().hex, external_name="m", status=status)
    seal_tokens(row, Tokens(access_token="at", refresh_token="rt"))
    return _add(row)


def insert_reel_job(user_id: str, *, state: str = "succeeded",
                    attribution: str | None = "Music: Dawn by A. Player (CC BY 4.0)") -> str:
    from app.models import Job

    job_id = uuid.uuid4()
    row = Job(id=job_id, user_id=uuid.UUID(user_id), kind="video", task_name="video.render",
              queue="video", priority=5, state=state, params={}, history=[],
              result={"attribution": attribution, "duration_s": 2.0}, progress=1.0,
              attempts=1, created_at=datetime.now(UTC),
              output_key=f"results/{user_id}/{job_id}/a1/video.mp4")
    return _add(row)


def insert_workflow(user_id: str, *, optimised_for: str | None = "youtube") -> str:
    """A succeeded workflow with its content, render and (optionally) optimise steps."""
    from app.models import Job, Workflow

    workflow_id, user = uuid.uuid4(), uuid.UUID(user_id)
    steps = ["content", "render", *([f"optimize:{optimised_for}"] if optimised_for else [])]
    _add(Workflow(id=workflow_id, user_id=user, state="succeeded", params={}, steps=steps))
    results: dict[str, dict[str, Any]] = {
        "content": {"title": "Green tea, three ways", "narration": "…",
                    "script": {"hook": "Three cups before nine."}},
        "render": {"attribution": "Photo: Leaf by B. Shooter (CC BY 4.0)"},
        f"optimize:{optimised_for}": {"caption": "Green tea, three ways\n\n#tea\n\nPhoto: "
                                                 "Leaf by B. Shooter (CC BY 4.0)",
                                      "hashtags": ["#tea", "#greentea"],
                                      "attribution": "Photo: Leaf by B. Shooter (CC BY 4.0)"},
    }
    for step in steps:
        job_id = uuid.uuid4()
        output = None if step == "content" else \
            f"results/{user_id}/{job_id}/a1/{step.replace(':', '-')}.mp4"
        _add(Job(id=job_id, user_id=user, kind="workflow", task_name="video.reel",
                 queue="video", priority=5, state="succeeded", params={}, history=[],
                 result=results[step], progress=1.0, attempts=1, step=step,
                 workflow_id=workflow_id, created_at=datetime.now(UTC), output_key=output))
    return str(workflow_id)
