"""Triggers and workflows: triggers, their firings (the exactly-once claim), workflow runs and the
job and crawl runs that belong to them.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from glue_magics.catalog.models import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "triggers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("schedule", sa.Text()),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("scheduled_through", UTCDateTime()),
        sa.Column("crawler", sa.String(255)),
        sa.Column("logical", sa.String(8)),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("active_since", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "trigger_firings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "trigger_id",
            sa.Integer(),
            sa.ForeignKey("triggers.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("fire_key", sa.String(255), nullable=False),
        sa.Column("workflow_run_id", sa.Integer(), nullable=False),
        sa.Column("upstream", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("fired_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("trigger_id", "fire_key"),
    )
    op.create_index("ix_trigger_firings_workflow_run_id", "trigger_firings", ["workflow_run_id"])
    op.create_table(
        "workflow_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("trigger", sa.String(255)),
        sa.Column("root_kind", sa.String(8)),
        sa.Column("root_run_id", sa.Integer()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "workflow_members",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "workflow_run_id",
            sa.Integer(),
            sa.ForeignKey("workflow_runs.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "firing_id",
            sa.Integer(),
            sa.ForeignKey("trigger_firings.id", ondelete="SET NULL"),
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("run_id", sa.Integer()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("owner", sa.String(255)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "run_id"),
    )
    op.create_index("ix_workflow_members_workflow_run_id", "workflow_members", ["workflow_run_id"])
    op.create_index("ix_workflow_members_firing_id", "workflow_members", ["firing_id"])


def downgrade() -> None:
    op.drop_index("ix_workflow_members_firing_id", table_name="workflow_members")
    op.drop_index("ix_workflow_members_workflow_run_id", table_name="workflow_members")
    op.drop_table("workflow_members")
    op.drop_table("workflow_runs")
    op.drop_index("ix_trigger_firings_workflow_run_id", table_name="trigger_firings")
    op.drop_table("trigger_firings")
    op.drop_table("triggers")
