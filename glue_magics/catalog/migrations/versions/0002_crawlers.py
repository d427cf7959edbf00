"""Crawlers, the per-file state of incremental crawls, and deduplicated classifier results.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from glue_magics.catalog.models import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "crawlers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("database", sa.String(255), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("lease_run_id", sa.Integer()),
        sa.Column("lease_expires_at", UTCDateTime()),
    )
    op.create_table(
        "crawler_schemas",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("schema", sa.JSON(), nullable=False),
    )
    op.create_table(
        "crawler_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "crawler_id",
            sa.Integer(),
            sa.ForeignKey("crawlers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime", sa.Float()),
        sa.Column("etag", sa.String(255)),
        sa.Column(
            "schema_hash",
            sa.String(64),
            sa.ForeignKey("crawler_schemas.hash"),
            nullable=False,
        ),
        sa.UniqueConstraint("crawler_id", "path"),
    )


def downgrade() -> None:
    op.drop_table("crawler_files")
    op.drop_table("crawler_schemas")
    op.drop_table("crawlers")
