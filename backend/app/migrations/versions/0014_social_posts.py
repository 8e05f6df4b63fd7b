"""social posts: one row per (reel, account), the platform's ids, the schedule

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = "'scheduled', 'uploading', 'processing', 'published', 'failed', 'cancelled'"


def upgrade() -> None:
    op.create_table(
        "social_posts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=True),  # null once disconnected
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=False),
        sa.Column("output_key", sa.String(512), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("hashtags", postgresql.JSONB(), nullable=False),
        sa.Column("privacy", sa.String(32), nullable=False),
        sa.Column("publish_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("upload_url", sa.String(2048), nullable=True),
        sa.Column("remote_id", sa.String(255), nullable=True),
        sa.Column("remote", postgresql.JSONB(), nullable=False),
        sa.Column("total_bytes", sa.BigInteger(), nullable=True),
        sa.Column("post_id", sa.String(255), nullable=True),
        sa.Column("post_url", sa.String(2048), nullable=True),
        sa.Column("error", postgresql.JSONB(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.CheckConstraint(f"state IN ({STATES})", name=op.f("ck_social_posts_state")),
        sa.CheckConstraint("source_kind IN ('job', 'workflow')",
                           name=op.f("ck_social_posts_source_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_social_posts_user_id_users")),
        sa.ForeignKeyConstraint(["account_id"], ["social_accounts.id"], ondelete="SET NULL",
                                name=op.f("fk_social_posts_account_id_social_accounts")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="SET NULL",
                                name=op.f("fk_social_posts_job_id_jobs")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], ondelete="SET NULL",
                                name=op.f("fk_social_posts_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_posts")),
        sa.UniqueConstraint("source_id", "account_id", name="uq_social_posts_source_account"),
    )
    op.create_index("ix_social_posts_user_created", "social_posts",
                    ["user_id", "created_at", "id"])
    op.create_index("ix_social_posts_due", "social_posts", ["publish_at"],
                    postgresql_where=sa.text("state = 'scheduled' AND job_id IS NULL"))


def downgrade() -> None:
    op.drop_index("ix_social_posts_due", table_name="social_posts")
    op.drop_index("ix_social_posts_user_created", table_name="social_posts")
    op.drop_table("social_posts")
