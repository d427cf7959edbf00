"""SQLAlchemy models of the catalog store: Glue's object model, relationally.

Schema changes go through Alembic migrations in ``migrations/``; a test checks that these models and
the migrations agree.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Partition values are also kept in fixed, indexed columns so partition expressions run in SQL.
MAX_PARTITION_KEYS = 10


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON, datetime: UTCDateTime}


class CatalogState(Base):
    """One row: a counter bumped by every write, so front-ends can tell that something changed."""

    __tablename__ = "catalog_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    change_seq: Mapped[int] = mapped_column(default=0)


class DatabaseRow(Base):
    __tablename__ = "databases"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    location_uri: Mapped[str | None] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class TableRow(Base):
    __tablename__ = "tables"
    __table_args__ = (UniqueConstraint("database_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    database_id: Mapped[int] = mapped_column(ForeignKey("databases.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    # The current definition; every update archives the previous one in table_versions.
    definition: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(default=1)
    # Lower-cased words of names, columns, description and parameters, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TableVersionRow(Base):
    __tablename__ = "table_versions"
    __table_args__ = (UniqueConstraint("table_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id", ondelete="CASCADE"))
    version: Mapped[int]
    definition: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: Partition values compare by code point on both stores: SQLite's default (BINARY) collation does
#: that, PostgreSQL's database collation may not (en_US sorts ``a < B``), so there the key columns and
#: their index are ``COLLATE "C"``: partition expressions and pages in value order use the index.
KEY_TEXT = Text().with_variant(Text(collation="C"), "postgresql")


class PartitionRow(Base):
    __tablename__ = "partitions"
    __table_args__ = (
        UniqueConstraint("table_id", "values_key"),
        Index("ix_partitions_table_k0_k1", "table_id", "k0", "k1"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id", ondelete="CASCADE"))
    # The values as a JSON list: canonical form and uniqueness key.
    values_key: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    # Only where the partition differs from its table: columns, formats, SerDe. None is SQL NULL.
    storage: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    k0: Mapped[str | None] = mapped_column(KEY_TEXT)
    k1: Mapped[str | None] = mapped_column(KEY_TEXT)
    k2: Mapped[str | None] = mapped_column(KEY_TEXT)
    k3: Mapped[str | None] = mapped_column(KEY_TEXT)
    k4: Mapped[str | None] = mapped_column(KEY_TEXT)
    k5: Mapped[str | None] = mapped_column(KEY_TEXT)
    k6: Mapped[str | None] = mapped_column(KEY_TEXT)
    k7: Mapped[str | None] = mapped_column(KEY_TEXT)
    k8: Mapped[str | None] = mapped_column(KEY_TEXT)
    k9: Mapped[str | None] = mapped_column(KEY_TEXT)


class ColumnStatisticsRow(Base):
    __tablename__ = "column_statistics"
    __table_args__ = (UniqueConstraint("table_id", "column_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    table_id: Mapped[int] = mapped_column(ForeignKey("tables.id", ondelete="CASCADE"))
    column_name: Mapped[str] = mapped_column(String(255))
    column_type: Mapped[str] = mapped_column(Text)
    # Glue's StatisticsData: {"Type": "LONG", "LongColumnStatisticsData": {...}}
    data: Mapped[dict[str, Any]]
    analyzed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ConnectionRow(Base):
    __tablename__ = "connections"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    connection_type: Mapped[str] = mapped_column(String(32))
    url: Mapped[str] = mapped_column(Text)
    username: Mapped[str | None] = mapped_column(String(255))
    # "env:VAR" or "keyring:SERVICE/USER"; the secret itself is never stored.
    secret_ref: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunRow(Base):
    """A crawl, ETL, data-quality or job run: state, timings, metrics, error and log."""

    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_kind_started", "kind", "started_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16))
    target: Mapped[str | None] = mapped_column(String(511), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    log: Mapped[str | None] = mapped_column(Text)
    # The job run (job_runs.id) whose notebook started this run, if any.
    job_run_id: Mapped[int | None] = mapped_column(index=True)


class LineageEdgeRow(Base):
    __tablename__ = "lineage_edges"
    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(511), index=True)
    target: Mapped[str] = mapped_column(String(511), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    code_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DQResultRow(Base):
    __tablename__ = "dq_results"
    id: Mapped[int] = mapped_column(primary_key=True)
    target: Mapped[str] = mapped_column(String(511), index=True)
    ruleset: Mapped[str | None] = mapped_column(String(255))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    score: Mapped[float] = mapped_column(Float)
    rules: Mapped[list[Any]] = mapped_column(default=list)
    evaluated_at: Mapped[datetime] = mapped_column(default=utcnow)


def partition_key_columns() -> list[str]:
    return [f"k{i}" for i in range(MAX_PARTITION_KEYS)]


class CrawlerRow(Base):
    """A saved crawler: its targets and options, and the lease of the run holding it."""

    __tablename__ = "crawlers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    database: Mapped[str] = mapped_column(String(255))
    targets: Mapped[list[Any]]
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_run_id: Mapped[int | None]
    lease_expires_at: Mapped[datetime | None]


class CrawlerFileRow(Base):
    """What a crawler last saw of a file, so a recrawl reads only new or changed files."""

    __tablename__ = "crawler_files"
    __table_args__ = (UniqueConstraint("crawler_id", "path"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    crawler_id: Mapped[int] = mapped_column(ForeignKey("crawlers.id", ondelete="CASCADE"))
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    mtime: Mapped[float | None] = mapped_column(Float)
    etag: Mapped[str | None] = mapped_column(String(255))
    schema_hash: Mapped[str] = mapped_column(ForeignKey("crawler_schemas.hash"))


class CrawlerSchemaRow(Base):
    """Classifier results, stored once per distinct result (most files of a table share one)."""

    __tablename__ = "crawler_schemas"
    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    schema: Mapped[dict[str, Any]]


class BookmarkRow(Base):
    """How far an ETL job has read a source (Glue job bookmarks): processed files or a key value."""

    __tablename__ = "etl_bookmarks"
    __table_args__ = (UniqueConstraint("job", "source"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(255))
    source: Mapped[str] = mapped_column(String(511))
    state: Mapped[dict[str, Any]]
    run_id: Mapped[int | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DQRulesetRow(Base):
    """A named data-quality ruleset attached to a table: its DQDL and/or its GX suite (JSON)."""

    __tablename__ = "dq_rulesets"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    target: Mapped[str | None] = mapped_column(String(511), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    dqdl: Mapped[str | None] = mapped_column(Text)
    gx_suite: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobRow(Base):
    """A notebook promoted to a job: its settings, schedule and the newest version's number."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    description: Mapped[str | None] = mapped_column(Text)
    # The job's settings (parameters, fixed parameters, gates, timeout, retries, ...), as JSON.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    schedule: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    paused: Mapped[bool] = mapped_column(default=False)
    current_version: Mapped[int] = mapped_column(default=1)
    # The scheduler's mark: fire times up to here have been handled (run, queued or skipped).
    scheduled_through: Mapped[datetime | None]
    skipped_runs: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobVersionRow(Base):
    """A snapshot of the notebook taken at promotion (nbformat JSON) and its SHA-256."""

    __tablename__ = "job_versions"
    __table_args__ = (UniqueConstraint("job_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    version: Mapped[int]
    notebook: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    source_path: Mapped[str | None] = mapped_column(Text)
    # The defaults read from the notebook's cell tagged "parameters".
    parameters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobRunRow(Base):
    """One attempt of a job run. A scheduled fire time is claimed by inserting its first attempt:
    (job_id, scheduled_for, attempt) is unique, so two schedulers cannot both claim it."""

    __tablename__ = "job_runs"
    __table_args__ = (
        UniqueConstraint("job_id", "scheduled_for", "attempt"),
        Index("ix_job_runs_job_state", "job_id", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    version: Mapped[int]
    trigger: Mapped[str] = mapped_column(String(16))
    scheduled_for: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(16), index=True)
    attempt: Mapped[int] = mapped_column(default=1)
    first_run_id: Mapped[int | None]
    previous_run_id: Mapped[int | None]
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A waiting run starts no earlier than this (retry backoff).
    not_before: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    owner: Mapped[str | None] = mapped_column(String(255))
    lease_expires_at: Mapped[datetime | None]
    pid: Mapped[int | None]
    kernel_pid: Mapped[int | None]
    output_path: Mapped[str | None] = mapped_column(Text)
    log_path: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    failed_cell: Mapped[int | None]
    note: Mapped[str | None] = mapped_column(Text)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TriggerRow(Base):
    """A trigger, as in Glue: ON_DEMAND, SCHEDULED, CONDITIONAL (a predicate over job and crawl
    run states) or FILE_ARRIVAL (new files under a crawler's targets); its actions start jobs
    and crawlers."""

    __tablename__ = "triggers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(16))
    enabled: Mapped[bool] = mapped_column(default=True)
    description: Mapped[str | None] = mapped_column(Text)
    schedule: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # SCHEDULED: fire times up to here have been handled.
    scheduled_through: Mapped[datetime | None]
    # FILE_ARRIVAL: the saved crawler whose targets are watched.
    crawler: Mapped[str | None] = mapped_column(String(255))
    # CONDITIONAL: ALL or ANY over conditions [{"kind": "job"|"crawler", "name", "state"}].
    logical: Mapped[str | None] = mapped_column(String(8))
    conditions: Mapped[list[Any]] = mapped_column(default=list)
    # [{"kind": "job"|"crawler", "name", "arguments": {...}}]
    actions: Mapped[list[Any]] = mapped_column(default=list)
    # Upstream runs that ended before this (creation or enabling) never fire the trigger.
    active_since: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class TriggerFiringRow(Base):
    """One firing of a trigger. Inserting it is the claim: (trigger_id, fire_key) is unique, and
    the key names what fired it (the upstream runs, a fire time, the new files), so with several
    schedulers a trigger fires once per satisfying set."""

    __tablename__ = "trigger_firings"
    __table_args__ = (UniqueConstraint("trigger_id", "fire_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    trigger_id: Mapped[int] = mapped_column(ForeignKey("triggers.id", ondelete="CASCADE"))
    fire_key: Mapped[str] = mapped_column(String(255))
    workflow_run_id: Mapped[int] = mapped_column(index=True)
    # The runs that satisfied the predicate: [{"kind": "job"|"crawl", "id", "name", "state"}].
    upstream: Mapped[list[Any]] = mapped_column(default=list)
    # What each action did: [{"kind", "name", "run_id"|"member_id", "error"}].
    outcome: Mapped[list[Any]] = mapped_column(default=list)
    fired_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkflowRunRow(Base):
    """A run of a trigger chain: the root run (or the root firing) and everything triggers
    started from it share its id."""

    __tablename__ = "workflow_runs"
    id: Mapped[int] = mapped_column(primary_key=True)
    # The trigger whose firing started the chain, if it was not a run.
    trigger: Mapped[str | None] = mapped_column(String(255))
    root_kind: Mapped[str | None] = mapped_column(String(8))
    root_run_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkflowMemberRow(Base):
    """A job run (first attempt) or crawl run of a workflow run, and the firing that started it
    (None for the root). A crawl a trigger started waits here (WAITING, then STARTED by the
    scheduler that claimed it) until its worker links the crawl run (LINKED)."""

    __tablename__ = "workflow_members"
    __table_args__ = (UniqueConstraint("kind", "run_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_run_id: Mapped[int] = mapped_column(
        ForeignKey("workflow_runs.id", ondelete="CASCADE"), index=True
    )
    firing_id: Mapped[int | None] = mapped_column(
        ForeignKey("trigger_firings.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(255))
    run_id: Mapped[int | None]
    state: Mapped[str] = mapped_column(String(16), default="LINKED")
    owner: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
