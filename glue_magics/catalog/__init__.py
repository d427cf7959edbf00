"""The Data Catalog store: Glue's object model in SQLite or PostgreSQL."""

from glue_magics.catalog.api import Catalog, open_catalog
from glue_magics.catalog.objects import (
    Column,
    ColumnStatistics,
    Connection,
    Crawler,
    Database,
    DQResult,
    LineageEdge,
    Partition,
    PartitionPage,
    Run,
    Table,
    TableDefinition,
    TableVersion,
    VersionDiff,
)

__all__ = [
    "Catalog",
    "Column",
    "ColumnStatistics",
    "Connection",
    "Crawler",
    "DQResult",
    "Database",
    "LineageEdge",
    "Partition",
    "PartitionPage",
    "Run",
    "Table",
    "TableDefinition",
    "TableVersion",
    "VersionDiff",
    "open_catalog",
]
