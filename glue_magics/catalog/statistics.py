"""Column statistics in Glue's per-type shapes (ColumnStatisticsData).

Counts and lengths (``Number*``, ``MaximumLength``, ``AverageLength``) are numbers >= 0.
``MinimumValue``/``MaximumValue`` are column values: whole numbers (LONG), finite numbers (DOUBLE),
``'YYYY-MM-DD'`` (DATE), or Glue's decimal shape ``{"UnscaledValue": <base64 of the big-endian
two's-complement unscaled integer>, "Scale": <int>}`` (DECIMAL); the minimum must not exceed the
maximum. Fields Glue does not have for the type are refused.
"""

from __future__ import annotations

import base64
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from glue_magics.catalog._base import CatalogBase
from glue_magics.catalog.models import ColumnStatisticsRow, utcnow
from glue_magics.catalog.names import normalize_column_name
from glue_magics.catalog.objects import ColumnStatistics, TableDefinition
from glue_magics.catalog.types import BIGINT_MAX, BIGINT_MIN, INTEGER_TYPES, base_type
from glue_magics.errors import EntityNotFoundError, InvalidInputError

_COUNTS = ("NumberOfNulls", "NumberOfDistinctValues")
_LENGTHS = ("MaximumLength", "AverageLength", "NumberOfNulls")
_VALUES = ("MinimumValue", "MaximumValue")
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
#: Glue statistics types whose data may also hold MinimumValue and MaximumValue (column values).
WITH_VALUES = frozenset({"DATE", "DECIMAL", "DOUBLE", "LONG"})
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


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
    allowed = (*required, *(_VALUES if expected in WITH_VALUES else ()))
    unknown = sorted(str(f) for f in body if f not in allowed)
    if unknown:
        raise InvalidInputError(
            f"{key} for {stat.column_name!r} has unknown fields {', '.join(unknown)}; "
            f"its fields are {', '.join(allowed)}"
        )
    for name in required:
        value = body[name]
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
        ):
            raise InvalidInputError(f"{key}.{name} for {stat.column_name!r} must be a number >= 0")
    values = {
        name: _column_value(expected, f"{key}.{name} for {stat.column_name!r}", body[name])
        for name in _VALUES
        if name in body
    }
    if len(values) == 2 and values["MinimumValue"] > values["MaximumValue"]:
        raise InvalidInputError(
            f"{key} for {stat.column_name!r}: MinimumValue {body['MinimumValue']!r} is greater "
            f"than MaximumValue {body['MaximumValue']!r}"
        )
    return {"Type": expected, key: body}


def _column_value(kind: str, what: str, value: Any) -> Any:
    """A MinimumValue/MaximumValue in Glue's shape for ``kind``, as something comparable."""
    if kind == "LONG":
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not (BIGINT_MIN <= value <= BIGINT_MAX)
        ):
            raise InvalidInputError(f"{what} must be a whole number (a long), got {value!r}")
        return value
    if kind == "DOUBLE":
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise InvalidInputError(f"{what} must be a finite number, got {value!r}")
        return value
    if kind == "DATE":
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise InvalidInputError(f"{what} must be a date as 'YYYY-MM-DD', got {value!r}")
    # DECIMAL: {"UnscaledValue": base64 of the big-endian two's-complement integer, "Scale": int}
    shape_error = InvalidInputError(
        f"{what} must be {{'UnscaledValue': <base64 of the unscaled integer>, 'Scale': <int>}}, "
        f"got {value!r}"
    )
    if not isinstance(value, dict) or set(value) != {"UnscaledValue", "Scale"}:
        raise shape_error
    unscaled, scale = value["UnscaledValue"], value["Scale"]
    if (
        not isinstance(unscaled, str)
        or not unscaled
        or not _BASE64.fullmatch(unscaled)
        or isinstance(scale, bool)
        or not isinstance(scale, int)
        or not -1000 <= scale <= 1000
    ):
        raise shape_error
    number = int.from_bytes(base64.b64decode(unscaled), "big", signed=True)
    return Decimal(number).scaleb(-scale)


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
