"""The first admin account: created by `reelforge run` and `reelforge create-admin`."""

from __future__ import annotations

import enum
import os
import secrets
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from app.core.security import hash_password, verify_password
from app.models import User


class AdminOutcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"  # made admin again, or its password reset
    UNCHANGED = "unchanged"
    KEPT = "kept"  # exists with another password, which was left as it is
    REFUSED = "refused"  # the email belongs to an account that is not an admin


def stable_secret(path: Path) -> str:
    """The secret stored at `path`; a new random one is written (mode 0600) on first use."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(18)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def ensure_admin(sync_url: str, *, email: str, password: str,
                 reset_password: bool = False) -> AdminOutcome:
    """Make sure `email` is an active admin; its password is set only on creation or reset.

    An existing account that is not an admin is never promoted (REFUSED): whoever
    registered that email would keep its API keys and tokens, now with the admin role.
    The operator picks another admin email, or removes that account first.
    """
    engine = create_engine(sync_url, poolclass=NullPool)
    try:
        with Session(engine) as session, session.begin():
            user = session.scalar(select(User).where(User.email == email.lower()))
            if user is None:
                session.add(User(email=email.lower(), password_hash=hash_password(password),
                                 role="admin", plan="admin", is_active=True))
                return AdminOutcome.CREATED
            if user.role != "admin":
                return AdminOutcome.REFUSED
            promoted = not user.is_active or user.plan != "admin"
            user.role, user.plan, user.is_active = "admin", "admin", True
            if verify_password(password, user.password_hash):
                return AdminOutcome.UPDATED if promoted else AdminOutcome.UNCHANGED
            if not reset_password:
                return AdminOutcome.KEPT
            user.password_hash = hash_password(password)
            return AdminOutcome.UPDATED
    finally:
        engine.dispose()
