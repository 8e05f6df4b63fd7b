"""projects (numbered per user by `users.projects_created`); the shared library (assets without an owner) with tags, features and
licences; asset usage records; `project_id` on jobs, workflows, batches and schedules

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORK = ("jobs", "workflows", "batches", "schedules")
_ASSET_COLUMNS = ("waveform_key", "thumbnail_key", "licence", "tag_state", "features", "tags",
                  "title", "retired_reason", "retired_at")


def upgrade() -> None:
    op.add_column("users", sa.Column("projects_created", sa.Integer(), server_default="0",
                                     nullable=False))
    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("topic", sa.String(200), nullable=True),
        sa.Column("audience", sa.String(120), nullable=True),
        sa.Column("tone", sa.String(32), nullable=True),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("voice", postgresql.JSONB(), nullable=False),
        sa.Column("platforms", postgresql.JSONB(), nullable=False),
        sa.Column("brand", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_projects_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("user_id", "number", name="uq_projects_user_number"),
        sa.UniqueConstraint("user_id", "name", name="uq_projects_user_name"),
    )
    for table in _WORK:
        op.add_column(table, sa.Column("project_id", sa.Uuid(), nullable=True))
        op.create_foreign_key(op.f(f"fk_{table}_project_id_projects"), table, "projects",
                              ["project_id"], ["id"], ondelete="SET NULL")
    op.create_index("ix_jobs_project_created", "jobs", ["project_id", "created_at"],
                    postgresql_where=sa.text("project_id IS NOT NULL"))
    op.create_index("ix_workflows_project_created", "workflows", ["project_id", "created_at"],
                    postgresql_where=sa.text("project_id IS NOT NULL"))

    op.alter_column("assets", "user_id", nullable=True)
    op.add_column("assets", sa.Column("title", sa.String(200), nullable=True))
    op.add_column("assets", sa.Column("tags", postgresql.JSONB(), server_default="[]",
                                      nullable=False))
    op.add_column("assets", sa.Column("features", postgresql.JSONB(), server_default="{}",
                                      nullable=False))
    # Rows from before start `pending`: the sweeper sends them to the tagger (docs/library.md).
    op.add_column("assets", sa.Column("tag_state", sa.String(16), server_default="pending",
                                      nullable=False))
    op.add_column("assets", sa.Column("licence", postgresql.JSONB(), nullable=True))
    op.add_column("assets", sa.Column("thumbnail_key", sa.String(512), nullable=True))
    op.add_column("assets", sa.Column("waveform_key", sa.String(512), nullable=True))
    op.add_column("assets", sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assets", sa.Column("retired_reason", sa.String(500), nullable=True))
    op.create_check_constraint("tag_state", "assets",
                               "tag_state IN ('pending', 'done', 'failed')")
    op.create_index("ix_assets_shared", "assets", ["kind", "created_at"],
                    postgresql_where=sa.text("user_id IS NULL"))
    op.create_index("ix_assets_tags", "assets", ["tags"], postgresql_using="gin")

    op.create_table(
        "asset_usages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("job_id", sa.Uuid(), nullable=True),
        sa.Column("workflow_id", sa.Uuid(), nullable=True),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("output_key", sa.String(512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                  nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], ondelete="CASCADE",
                                name=op.f("fk_asset_usages_asset_id_assets")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_asset_usages_user_id_users")),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="SET NULL",
                                name=op.f("fk_asset_usages_job_id_jobs")),
        sa.ForeignKeyConstraint(["workflow_id"], ["workflows.id"], ondelete="SET NULL",
                                name=op.f("fk_asset_usages_workflow_id_workflows")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_asset_usages")),
        sa.UniqueConstraint("asset_id", "job_id", "role",
                            name="uq_asset_usages_asset_job_role"),
    )
    op.create_index("ix_asset_usages_asset_created", "asset_usages", ["asset_id", "created_at"])
    op.create_index("ix_asset_usages_job", "asset_usages", ["job_id"])


def downgrade() -> None:
    op.drop_table("asset_usages")
    # The shared library has no owner in the older schema: its rows go (the stored files
    # are left for the store's own cleanup).
    op.execute("DELETE FROM assets WHERE user_id IS NULL")
    op.drop_index("ix_assets_tags", table_name="assets")
    op.drop_index("ix_assets_shared", table_name="assets")
    op.drop_constraint(op.f("ck_assets_tag_state"), "assets", type_="check")
    for column in _ASSET_COLUMNS:
        op.drop_column("assets", column)
    op.alter_column("assets", "user_id", nullable=False)
    op.drop_index("ix_workflows_project_created", table_name="workflows")
    op.drop_index("ix_jobs_project_created", table_name="jobs")
    for table in _WORK:
        op.drop_constraint(op.f(f"fk_{table}_project_id_projects"), table, type_="foreignkey")
        op.drop_column(table, "project_id")
    op.drop_table("projects")
    op.drop_column("users", "projects_created")
