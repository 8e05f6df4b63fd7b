"""retries, attempt log, callbacks and idempotency keys

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("jobs", sa.Column("retries", sa.Integer(), server_default="0", nullable=False))
    op.add_column("jobs", sa.Column("attempt_log", postgresql.JSONB(astext_type=sa.Text()),
                                    server_default="[]", nullable=False))
    op.add_column("jobs", sa.Column("callback_url", sa.String(length=2048), nullable=True))
    op.add_column("jobs", sa.Column("retry_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("jobs", sa.Column("republished_at", sa.DateTime(timezone=True),
                                    nullable=True))
    op.create_index("ix_jobs_running_heartbeat", "jobs", ["heartbeat_at"],
                    postgresql_where=sa.text("state IN ('started', 'progress')"))
    op.create_index("ix_jobs_dead", "jobs", ["finished_at"],
                    postgresql_where=sa.text("state = 'dead'"))
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                  nullable=False),
        # deferred: the key is claimed first, the job row follows in the same transaction
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"],
                                name=op.f("fk_idempotency_keys_job_id_jobs"), ondelete="CASCADE",
                                deferrable=True, initially="DEFERRED"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_idempotency_keys_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),
    )


def downgrade() -> None:
    op.drop_table("idempotency_keys")
    op.drop_index("ix_jobs_dead", table_name="jobs", postgresql_where=sa.text("state = 'dead'"))
    op.drop_index("ix_jobs_running_heartbeat", table_name="jobs",
                  postgresql_where=sa.text("state IN ('started', 'progress')"))
    op.drop_column("jobs", "republished_at")
    op.drop_column("jobs", "retry_at")
    op.drop_column("jobs", "callback_url")
    op.drop_column("jobs", "attempt_log")
    op.drop_column("jobs", "retries")
