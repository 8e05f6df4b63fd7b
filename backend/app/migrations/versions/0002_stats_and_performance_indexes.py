"""stats and performance indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Two indexes keep the admin stats endpoints and /metrics fast on large job tables
(EXPLAIN ANALYZE figures at 1,000,000 rows in docs/operations.md):

- ix_jobs_queue_state_queued (queue, state, queued_at): per-queue counts of running and
  waiting jobs, and the oldest waiting job as one index probe per queue.
- ix_jobs_finished (finished_at) WHERE finished_at IS NOT NULL: jobs finished within a
  window (per-queue outcomes, per-task performance, run-time histograms). Partial, so a
  job enters it once, when it finishes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_jobs_queue_state_queued", "jobs", ["queue", "state", "queued_at"],
                    unique=False)
    op.create_index("ix_jobs_finished", "jobs", ["finished_at"], unique=False,
                    postgresql_where=sa.text("finished_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_jobs_finished", table_name="jobs",
                  postgresql_where=sa.text("finished_at IS NOT NULL"))
    op.drop_index("ix_jobs_queue_state_queued", table_name="jobs")
