"""Delete OAuth states past their expiry: a connect deletes its user's own expired states,
and this hourly pass those of users who never connect again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from app.core.db import sync_session
from app.models import OAuthState


def prune_oauth_states(*, now: datetime) -> int:
    """Delete the states that expired before `now`; their count."""
    with sync_session() as session:
        removed = session.execute(delete(OAuthState).where(OAuthState.expires_at < now)
                                  .returning(OAuthState.id)).all()
        session.commit()
    return len(removed)
