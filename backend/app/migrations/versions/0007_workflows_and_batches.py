"""workflows, batches, and the job columns that tie steps and items to them

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_STATES = ("'pending', 'queued', 'started', 'progress', 'retrying', 'succeeded', "
               "'failed', 'cancelled', 'dead'")
_NEW_STATES = "'pending', 'waiting', " + _OLD_STATES[len("'pending', "):]


def _created() -> sa.Column[object]:
    """A fresh `created_at` column (a Column belongs to one table)."""
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
                     nullable=False)


def _jsonb(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, postgresql.JSONB(astext_type=sa.Text()), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        _jsonb("items"),
        _jsonb("defaults"),
        sa.Column("id", sa.Uuid(), nullable=False),
        _created(),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_batches_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
    )
    op.create_index("ix_batches_user_created", "batches", ["user_id", "created_at"])
    op.create_table(
        "workflows",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("batch_id", sa.Uuid(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        _jsonb("params"),
        _jsonb("steps"),
        _jsonb("result", nullable=True),
        _jsonb("error", nullable=True),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _created(),
        sa.CheckConstraint(
            "state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')",
            name=op.f("ck_workflows_state")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_workflows_user_id_users"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"],
                                name=op.f("fk_workflows_batch_id_batches"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflows")),
    )
    op.create_index("ix_workflows_user_created", "workflows", ["user_id", "created_at"])
    op.create_index("ix_workflows_batch", "workflows", ["batch_id"])
    op.add_column("jobs", sa.Column("workflow_id", sa.Uuid(), nullable=True))
    op.add_column("jobs", sa.Column("step", sa.String(length=32), nullable=True))
    op.add_column("jobs", sa.Column("batch_id", sa.Uuid(), nullable=True))
    op.create_foreign_key(op.f("fk_jobs_workflow_id_workflows"), "jobs", "workflows",
                          ["workflow_id"], ["id"], ondelete="CASCADE")
    op.create_foreign_key(op.f("fk_jobs_batch_id_batches"), "jobs", "batches",
                          ["batch_id"], ["id"], ondelete="SET NULL")
    op.create_index("ix_jobs_workflow", "jobs", ["workflow_id"],
                    postgresql_where=sa.text("workflow_id IS NOT NULL"))
    op.create_index("ix_jobs_batch", "jobs", ["batch_id"],
                    postgresql_where=sa.text("batch_id IS NOT NULL"))
    op.drop_constraint(op.f("ck_jobs_state"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_state"), "jobs", f"state IN ({_NEW_STATES})")


def downgrade() -> None:
    # Steps still waiting could never run without their workflow: they end cancelled.
    op.execute("UPDATE jobs SET state = 'cancelled' WHERE state = 'waiting'")
    op.drop_constraint(op.f("ck_jobs_state"), "jobs", type_="check")
    op.create_check_constraint(op.f("ck_jobs_state"), "jobs", f"state IN ({_OLD_STATES})")
    op.drop_index("ix_jobs_batch", table_name="jobs")
    op.drop_index("ix_jobs_workflow", table_name="jobs")
    op.drop_constraint(op.f("fk_jobs_batch_id_batches"), "jobs", type_="foreignkey")
    op.drop_constraint(op.f("fk_jobs_workflow_id_workflows"), "jobs", type_="foreignkey")
    op.drop_column("jobs", "batch_id")
    op.drop_column("jobs", "step")
    op.drop_column("jobs", "workflow_id")
    op.drop_index("ix_workflows_batch", table_name="workflows")
    op.drop_index("ix_workflows_user_created", table_name="workflows")
    op.drop_table("workflows")
    op.drop_index("ix_batches_user_created", table_name="batches")
    op.drop_table("batches")
