"""Initial catalog schema: databases, tables, versions, partitions, statistics, connections, runs.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from glue_magics.catalog.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _created() -> sa.Column:
    return sa.Column("created_at", UTCDateTime(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "catalog_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("change_seq", sa.Integer(), nullable=False),
    )
    op.execute("INSERT INTO catalog_state (id, change_seq) VALUES (1, 0)")
    op.create_table(
        "databases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("description", sa.Text()),
        sa.Column("location_uri", sa.Text()),
        sa.Column("parameters", sa.JSON(), nullable=False),
        _created(),
    )
    op.create_table(
        "tables",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "database_id",
            sa.Integer(),
            sa.ForeignKey("databases.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        _created(),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("database_id", "name"),
    )
    op.create_table(
        "table_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "table_id", sa.Integer(), sa.ForeignKey("tables.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        _created(),
        sa.UniqueConstraint("table_id", "version"),
    )
    op.create_table(
        "partitions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "table_id", sa.Integer(), sa.ForeignKey("tables.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("values_key", sa.Text(), nullable=False),
        sa.Column("location", sa.Text()),
        sa.Column("storage", sa.JSON()),
        sa.Column("parameters", sa.JSON(), nullable=False),
        _created(),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        *[sa.Column(f"k{i}", sa.Text()) for i in range(10)],
        sa.UniqueConstraint("table_id", "values_key"),
    )
    op.create_index("ix_partitions_table_k0_k1", "partitions", ["table_id", "k0", "k1"])
    op.create_table(
        "column_statistics",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "table_id", sa.Integer(), sa.ForeignKey("tables.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("column_name", sa.String(255), nullable=False),
        sa.Column("column_type", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("analyzed_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("table_id", "column_name"),
    )
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("connection_type", sa.String(32), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("username", sa.String(255)),
        sa.Column("secret_ref", sa.Text()),
        sa.Column("description", sa.Text()),
        sa.Column("parameters", sa.JSON(), nullable=False),
        _created(),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("target", sa.String(511)),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text()),
        sa.Column("log", sa.Text()),
    )
    op.create_index("ix_runs_kind_started", "runs", ["kind", "started_at"])
    op.create_index("ix_runs_target", "runs", ["target"])
    op.create_table(
        "lineage_edges",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(511), nullable=False),
        sa.Column("target", sa.String(511), nullable=False),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("code_hash", sa.String(64)),
        _created(),
    )
    op.create_index("ix_lineage_edges_source", "lineage_edges", ["source"])
    op.create_index("ix_lineage_edges_target", "lineage_edges", ["target"])
    op.create_table(
        "dq_results",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("target", sa.String(511), nullable=False),
        sa.Column("ruleset", sa.String(255)),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="SET NULL")),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("evaluated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_dq_results_target", "dq_results", ["target"])


def downgrade() -> None:
    for name in (
        "dq_results",
        "lineage_edges",
        "runs",
        "connections",
        "column_statistics",
        "partitions",
        "table_versions",
        "tables",
        "databases",
        "catalog_state",
    ):
        op.drop_table(name)
