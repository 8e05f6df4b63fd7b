"""The operator's account (create-admin, make run) is on the admin plan, not the free one."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, select

from app.core.config import settings
from app.dev.admin import AdminOutcome, ensure_admin
from app.models import User


def test_a_created_admin_is_on_the_admin_plan() -> None:
    email = f"operator-{uuid.uuid4().hex[:12]}@example.com"
    outcome = ensure_admin(settings.database.sync_url, email=email,
                           password="a long operator password")
    assert outcome is AdminOutcome.CREATED
    engine = create_engine(settings.database.sync_url)
    with engine.connect() as conn:
        row = conn.execute(select(User.role, User.plan).where(User.email == email)).one()
    engine.dispose()
    assert (row.role, row.plan) == ("admin", "admin")
    assert settings.admission.PLANS["admin"].submits_for("video") > \
        settings.admission.PLANS["free"].submits_for("video")
