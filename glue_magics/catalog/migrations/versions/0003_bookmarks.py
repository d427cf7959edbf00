"""ETL job bookmarks.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from glue_magics.catalog.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "etl_bookmarks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("job", sa.String(255), nullable=False),
        sa.Column("source", sa.String(511), nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        sa.Column("run_id", sa.Integer()),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("job", "source"),
    )


def downgrade() -> None:
    op.drop_table("etl_bookmarks")
