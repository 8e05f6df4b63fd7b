"""webhook deliveries: the index the sweeper reads to find the open ones that were lost

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WHERE = sa.text("status IN ('pending', 'retrying', 'delivering')")


def upgrade() -> None:
    op.create_index("ix_webhook_deliveries_open", "webhook_deliveries", ["updated_at"],
                    postgresql_where=_WHERE)


def downgrade() -> None:
    op.drop_index("ix_webhook_deliveries_open", table_name="webhook_deliveries",
                  postgresql_where=_WHERE)
