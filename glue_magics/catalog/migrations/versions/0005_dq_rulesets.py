"""Data-quality rulesets: named DQDL (and/or GX suite JSON) attached to a table.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from glue_magics.catalog.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dq_rulesets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("target", sa.String(511)),
        sa.Column("description", sa.Text()),
        sa.Column("dqdl", sa.Text()),
        sa.Column("gx_suite", sa.JSON()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_dq_rulesets_target", "dq_rulesets", ["target"])


def downgrade() -> None:
    op.drop_index("ix_dq_rulesets_target", table_name="dq_rulesets")
    op.drop_table("dq_rulesets")
