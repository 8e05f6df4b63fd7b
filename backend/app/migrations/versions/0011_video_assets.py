"""assets: `video` joins the kinds (short clips: MP4, MOV, WebM)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint(op.f("ck_assets_kind"), "assets", type_="check")
    op.create_check_constraint("kind", "assets", "kind IN ('image', 'audio', 'video')")


def downgrade() -> None:
    # Video assets have no place in the older schema: their rows go (their stored files
    # are left for the store's own cleanup), then the narrower check returns.
    op.execute("DELETE FROM assets WHERE kind = 'video'")
    op.drop_constraint(op.f("ck_assets_kind"), "assets", type_="check")
    op.create_check_constraint("kind", "assets", "kind IN ('image', 'audio')")
