"""Value types shared by the crawler's parts: discovery, classification, grouping, planning."""

from __future__ import annotations

from dataclasses import dataclass, field

from glue_magics.catalog.objects import Column, TableDefinition

UNKNOWN = "UNKNOWN"


@dataclass(frozen=True)
class FileInfo:
    """A file found under a crawl target."""

    path: str  # as the filesystem names it (local path, or bucket/key for object stores)
    relative: tuple[str, ...]  # folders below the target, then the file name
    size: int
    mtime: float | None = None
    etag: str | None = None


@dataclass(frozen=True)
class FileSchema:
    """What a classifier learned from one file."""

    classification: str  # avro, orc, parquet, json, xml, csv, or UNKNOWN
    compression: str | None = None  # whole-file compression: gzip, bzip2
    columns: tuple[Column, ...] = ()
    #: Format details Glue keeps as table parameters: delimiter, skip.header.line.count, rowTag, ...
    parameters: dict[str, str] = field(default_factory=dict)
    record_count: int | None = None
    record_count_exact: bool = False  # from a footer (parquet, orc, avro), not from a sample
    #: Why the file could not be used (corrupt, empty, unreadable, ...); None when it was.
    error: str | None = None
    #: Decisions worth telling the user: "column 'x': int and string values -> string".
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.classification != UNKNOWN


@dataclass(frozen=True)
class DiscoveredTable:
    """A table found in a relational database by a JDBC/SQLAlchemy crawl."""

    name: str  # catalog table name (lower-case, Glue style: database_schema_table)
    source: str  # where it lives in the source database: "schema.table"
    definition: TableDefinition
    notes: tuple[str, ...] = ()
