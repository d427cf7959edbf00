"""Column statistics in Glue's per-type shapes (ColumnStatisticsData)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import ColumnStatisticsRow, utcnow
from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.objects import ColumnStatistics, TableDefinition
from glue_magics.catalog.types import INTEGER_TYPES, base_type
from glue_magics.errors import EntityNotFoundError, InvalidInputError

_COUNTS = ("NumberOfNulls", "NumberOfDistinctValues")
_LENGTHS = ("MaximumLength", "AverageLength", "NumberOfNulls")
#: Glue statistics type -> (its data key, the fields it requires)
SHAPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "BOOLEAN": (
        "BooleanColumnStatisticsData",
        ("NumberOfTrues", "NumberOfFalses", "NumberOfNulls"),
    ),
    "DATE": ("DateColumnStatisticsData", _COUNTS),
    "DECIMAL": ("DecimalColumnStatisticsData", _COUNTS),
    "DOUBLE": ("DoubleColumnStatisticsData", _COUNTS),
    "LONG": ("LongColumnStatisticsData", _COUNTS),
    "STRING": ("StringColumnStatisticsData", (*_LENGTHS, "NumberOfDistinctValues")),
    "BINARY": ("BinaryColumnStatisticsData", _LENGTHS),
}


def statistics_type(hive_type: str) -> str:
    """The Glue statistics type for a column's Hive type (``bigint`` -> ``LONG``)."""
    kind = base_type(hive_type)
    if kind in INTEGER_TYPES:
        return "LONG"
    mapping = {
        "float": "DOUBLE",
        "double": "DOUBLE",
        "decimal": "DECIMAL",
        "string": "STRING",
        "char": "STRING",
        "varchar": "STRING",
        "boolean": "BOOLEAN",
        "date": "DATE",
        "binary": "BINARY",
    }
    if kind not in mapping:
        raise InvalidInputError(f"Glue keeps no column statistics for type {hive_type}")
    return mapping[kind]


def _check(stat: ColumnStatistics, column_type: str) -> dict[str, Any]:
    data = stat.data
    expected = statistics_type(column_type)
    kind = data.get("Type") if isinstance(data, dict) else None
    if kind != expected:
        raise InvalidInputError(
            f"statistics for {stat.column_name!r} ({column_type}) must have Type {expected}, got {kind!r}"
        )
    key, required = SHAPES[expected]
    body = data.get(key)
    if not isinstance(body, dict):
        raise InvalidInputError(f"statistics for {stat.column_name!r} need a {key} object")
    missing = [f for f in required if f not in body]
    if missing:
        raise InvalidInputError(f"{key} for {stat.column_name!r} lacks {', '.join(missing)}")
    for name, value in body.items():
        if name.startswith(("Number", "Maximum", "Average")) and (
            isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0
        ):
            raise InvalidInputError(f"{key}.{name} for {stat.column_name!r} must be a number >= 0")
    return {"Type": expected, key: body}


class StatisticsOps(CatalogBase):
    def update_column_statistics(
        self, database: str, table: str, statistics: Iterable[ColumnStatistics]
    ) -> None:
        """Store statistics for columns of a table, replacing earlier ones for those columns."""
        stats = list(statistics)

        def run(session: Session) -> None:
            row = self._table_row(session, database, table)
            definition = TableDefinition.from_json(row.definition)
            types = {c.name: c.type for c in (*definition.columns, *definition.partition_keys)}
            for stat in stats:
                name = normalize_column_name(stat.column_name)
                if name not in types:
                    raise EntityNotFoundError(f"table {database}.{row.name} has no column {name!r}")
                data = _check(stat, types[name])
                session.execute(
                    delete(ColumnStatisticsRow).where(
                        ColumnStatisticsRow.table_id == row.id,
                        ColumnStatisticsRow.column_name == name,
                    )
                )
                session.add(
                    ColumnStatisticsRow(
                        table_id=row.id,
                        column_name=name,
                        column_type=types[name],
                        data=data,
                        analyzed_at=stat.analyzed_at or utcnow(),
                    )
                )

        self._write(run)

    def get_column_statistics(
        self, database: str, table: str, columns: Sequence[str] | None = None
    ) -> list[ColumnStatistics]:
        def run(session: Session) -> list[ColumnStatistics]:
            row = self._table_row(session, database, table)
            query = select(ColumnStatisticsRow).where(ColumnStatisticsRow.table_id == row.id)
            if columns is not None:
                names = [normalize_column_name(c) for c in columns]
                query = query.where(ColumnStatisticsRow.column_name.in_(names))
            return [
                ColumnStatistics(r.column_name, r.column_type, r.data, r.analyzed_at)
                for r in session.execute(query.order_by(ColumnStatisticsRow.column_name)).scalars()
            ]

        return self._read(run)

    def delete_column_statistics(self, database: str, table: str, column: str) -> None:
        def run(session: Session) -> None:
            row = self._table_row(session, database, table)
            name = normalize_column_name(column)
            result = session.execute(
                delete(ColumnStatisticsRow).where(
                    ColumnStatisticsRow.table_id == row.id, ColumnStatisticsRow.column_name == name
                )
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]
                raise EntityNotFoundError(
                    f"no statistics for column {name!r} of {database}.{row.name}"
                )

        self._write(run)
