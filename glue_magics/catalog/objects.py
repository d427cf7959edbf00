"""The catalog's public value types: plain dataclasses, independent of the SQL store."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    comment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type}
        if self.comment is not None:
            data["comment"] = self.comment
        return data


@dataclass(frozen=True)
class Database:
    name: str
    description: str | None = None
    location_uri: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True)
class TableDefinition:
    """What a table version holds: everything about a table but its name and bookkeeping."""

    columns: tuple[Column, ...] = ()
    partition_keys: tuple[Column, ...] = ()
    location: str | None = None
    classification: str | None = None
    input_format: str | None = None
    output_format: str | None = None
    serde_library: str | None = None
    serde_parameters: dict[str, str] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=dict)
    table_type: str = "EXTERNAL_TABLE"
    description: str | None = None
    owner: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["columns"] = [c.to_dict() for c in self.columns]
        data["partition_keys"] = [c.to_dict() for c in self.partition_keys]
        return data

    def same_but_counts(self, other: TableDefinition) -> bool:
        """Equal but for the counts Glue keeps in parameters (recordCount, sizeKey, ...): counts
        change with every write and alone do not make a new table version."""

        def strip(d: TableDefinition) -> dict[str, str]:
            return {k: v for k, v in d.parameters.items() if k not in COUNT_PARAMETERS}

        return replace(self, parameters=strip(self)) == replace(other, parameters=strip(other))

    def as_arguments(self) -> dict[str, Any]:
        """Keyword arguments for ``Catalog.create_table`` / ``update_table``."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TableDefinition:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["columns"] = tuple(Column(**c) for c in data.get("columns", ()))
        values["partition_keys"] = tuple(Column(**c) for c in data.get("partition_keys", ()))
        return cls(**values)


DEFINITION_FIELDS = tuple(f.name for f in fields(TableDefinition))
COUNT_PARAMETERS = frozenset({"objectCount", "sizeKey", "recordCount", "averageRecordSize"})


@dataclass(frozen=True)
class Table:
    database: str
    name: str
    definition: TableDefinition
    version: int
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.database}.{self.name}"

    def __repr__(self) -> str:
        keys = ", ".join(k.name for k in self.definition.partition_keys) or "none"
        return (
            f"<Table {self.qualified_name} v{self.version}: {len(self.definition.columns)} columns, "
            f"partition keys: {keys}, location: {self.definition.location}>"
        )

    def __getattr__(self, name: str) -> Any:
        # table.columns, table.location, ... read through to the current definition.
        if name in DEFINITION_FIELDS:
            return getattr(self.definition, name)
        raise AttributeError(name)


@dataclass(frozen=True)
class TableVersion:
    database: str
    table: str
    version: int
    definition: TableDefinition
    created_at: datetime | None = None


@dataclass(frozen=True)
class Partition:
    values: tuple[str, ...]
    location: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    #: Only set where the partition differs from its table (columns, formats, SerDe).
    storage: dict[str, Any] | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class PartitionPage:
    partitions: list[Partition]
    next_token: str | None


@dataclass(frozen=True)
class ColumnStatistics:
    """Glue's ColumnStatistics: ``data`` is its StatisticsData, e.g.
    ``{"Type": "LONG", "LongColumnStatisticsData": {"MinimumValue": 0, ...}}``."""

    column_name: str
    column_type: str
    data: dict[str, Any]
    analyzed_at: datetime | None = None


@dataclass(frozen=True)
class Connection:
    name: str
    connection_type: str
    url: str
    username: str | None = None
    secret_ref: str | None = None
    description: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass(frozen=True)
class Run:
    id: int
    kind: str
    name: str
    state: str
    target: str | None
    started_at: datetime
    ended_at: datetime | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


@dataclass(frozen=True)
class LineageEdge:
    source: str
    target: str
    run_id: int | None = None
    code_hash: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class DQResult:
    target: str
    ruleset: str | None
    score: float
    rules: list[dict[str, Any]]
    run_id: int | None = None
    evaluated_at: datetime | None = None


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class VersionDiff:
    """What changed between two versions of a table."""

    database: str
    table: str
    old_version: int
    new_version: int
    added_columns: list[Column]
    removed_columns: list[Column]
    changed_columns: list[tuple[Column, Column]]
    changed_fields: list[FieldChange]

    @property
    def is_empty(self) -> bool:
        return not (
            self.added_columns
            or self.removed_columns
            or self.changed_columns
            or self.changed_fields
        )


@dataclass(frozen=True)
class Crawler:
    """A saved crawler: what it crawls into which database, and how."""

    name: str
    database: str
    targets: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class StoredFile:
    """What a crawler saw of a file last time: enough to tell whether it changed."""

    path: str
    size: int
    mtime: float | None
    etag: str | None
    schema: dict[str, Any]


@dataclass(frozen=True)
class Bookmark:
    """How far ETL job ``job`` has read ``source``: ``state`` holds processed files or a key value."""

    job: str
    source: str
    state: dict[str, Any]
    run_id: int | None = None
    updated_at: datetime | None = None
