"""fair share: the `held` job state and the index that counts a user's queued jobs

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = ("'pending', 'waiting', 'queued', 'started', 'progress', 'retrying', 'succeeded', "
           "'failed', 'cancelled', 'dead'")
_AFTER = _BEFORE.replace("'queued'", "'held', 'queued'")
_WHERE = sa.text("state IN ('held', 'queued')")


def upgrade() -> None:
    op.drop_constraint(op.f("ck_jobs_state"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_state"), "jobs", f"state IN ({_AFTER})")
    op.create_index("ix_jobs_user_queue_waiting", "jobs", ["user_id", "queue", "priority"],
                    postgresql_where=_WHERE)


def downgrade() -> None:
    op.drop_index("ix_jobs_user_queue_waiting", table_name="jobs", postgresql_where=_WHERE)
    # held jobs go back to pending: the sweeper publishes them
    op.execute("UPDATE jobs SET state = 'pending' WHERE state = 'held'")
    op.drop_constraint(op.f("ck_jobs_state"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_state"), "jobs", f"state IN ({_BEFORE})")
