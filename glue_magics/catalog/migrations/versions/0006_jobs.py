"""Jobs: notebooks promoted to jobs, their versions and runs; ETL/DQ runs linked to a job run.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from glue_magics.catalog.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("description", sa.Text()),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("schedule", sa.Text()),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("scheduled_through", UTCDateTime()),
        sa.Column("skipped_runs", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "job_versions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "job_id", sa.Integer(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("notebook", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("source_path", sa.Text()),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("job_id", "version"),
    )
    op.create_table(
        "job_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "job_id", sa.Integer(), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("scheduled_for", UTCDateTime()),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("first_run_id", sa.Integer()),
        sa.Column("previous_run_id", sa.Integer()),
        sa.Column("arguments", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("not_before", UTCDateTime()),
        sa.Column("started_at", UTCDateTime()),
        sa.Column("ended_at", UTCDateTime()),
        sa.Column("duration_seconds", sa.Float()),
        sa.Column("owner", sa.String(255)),
        sa.Column("lease_expires_at", UTCDateTime()),
        sa.Column("pid", sa.Integer()),
        sa.Column("kernel_pid", sa.Integer()),
        sa.Column("output_path", sa.Text()),
        sa.Column("log_path", sa.Text()),
        sa.Column("error", sa.Text()),
        sa.Column("failed_cell", sa.Integer()),
        sa.Column("note", sa.Text()),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.UniqueConstraint("job_id", "scheduled_for", "attempt"),
    )
    op.create_index("ix_job_runs_job_state", "job_runs", ["job_id", "state"])
    op.create_index("ix_job_runs_state", "job_runs", ["state"])
    op.add_column("runs", sa.Column("job_run_id", sa.Integer()))
    op.create_index("ix_runs_job_run_id", "runs", ["job_run_id"])


def downgrade() -> None:
    op.drop_index("ix_runs_job_run_id", table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("job_run_id")
    op.drop_index("ix_job_runs_state", table_name="job_runs")
    op.drop_index("ix_job_runs_job_state", table_name="job_runs")
    op.drop_table("job_runs")
    op.drop_table("job_versions")
    op.drop_table("jobs")
