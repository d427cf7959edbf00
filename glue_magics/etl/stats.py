"""Basic column statistics of written data, in Glue's shapes, from one set of aggregates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from glue_magics.catalog.objects import Column, ColumnStatistics
from glue_magics.catalog.statistics import statistics_type
from glue_magics.errors import InvalidInputError

_WITH_MIN_MAX = {"LONG", "DOUBLE", "DATE"}


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or math.isfinite(value)


def _kind(column: Column) -> str | None:
    try:
        return statistics_type(column.type)
    except InvalidInputError:  # timestamps, binary, complex types: Glue keeps none either
        return None


def compute(df: Any, columns: Sequence[Column]) -> tuple[int, list[ColumnStatistics]]:
    """Row count and statistics for ``columns`` of a Spark DataFrame, in one aggregate job."""
    return from_row(df.agg(*aggregates(columns)).collect()[0].asDict(), columns)


def aggregates(columns: Sequence[Column]) -> list[Any]:
    """The aggregate expressions behind the statistics; also usable in ``DataFrame.observe``,
    which computes them while the data is written, without a job of their own."""
    from pyspark.sql import functions as F

    exprs = [F.count(F.lit(1)).alias("__rows")]
    kinds = {c.name: _kind(c) for c in columns}
    for i, c in enumerate(columns):
        kind = kinds[c.name]
        if kind is None or kind == "BINARY":
            continue
        col = F.col(f"`{c.name}`")
        exprs.append(F.count(F.when(col.isNull(), 1)).alias(f"n{i}"))
        if kind == "BOOLEAN":
            exprs += [
                F.count(F.when(col, 1)).alias(f"t{i}"),
                F.count(F.when(~col, 1)).alias(f"f{i}"),
            ]
            continue
        exprs.append(F.approx_count_distinct(col).alias(f"d{i}"))
        if kind in _WITH_MIN_MAX:
            exprs += [F.min(col).alias(f"lo{i}"), F.max(col).alias(f"hi{i}")]
        if kind == "STRING":
            exprs += [F.max(F.length(col)).alias(f"ml{i}"), F.avg(F.length(col)).alias(f"al{i}")]
    return exprs


def from_row(row: dict[str, Any], columns: Sequence[Column]) -> tuple[int, list[ColumnStatistics]]:
    """Row count and statistics from the values of ``aggregates(columns)``."""
    kinds = {c.name: _kind(c) for c in columns}
    stats = []
    for i, c in enumerate(columns):
        kind = kinds[c.name]
        if kind is None or kind == "BINARY":
            continue
        body: dict[str, Any] = {"NumberOfNulls": row[f"n{i}"]}
        if kind == "BOOLEAN":
            body.update(NumberOfTrues=row[f"t{i}"], NumberOfFalses=row[f"f{i}"])
        else:
            body["NumberOfDistinctValues"] = row[f"d{i}"]
        low, high = row.get(f"lo{i}"), row.get(f"hi{i}")
        # NaN and infinities are no min/max Glue can keep: leave those out.
        if (
            kind in _WITH_MIN_MAX
            and low is not None
            and high is not None
            and _finite(low)
            and _finite(high)
        ):
            body["MinimumValue"] = low.isoformat() if kind == "DATE" else low
            body["MaximumValue"] = high.isoformat() if kind == "DATE" else high
        if kind == "STRING":
            body.update(MaximumLength=row[f"ml{i}"] or 0, AverageLength=float(row[f"al{i}"] or 0.0))
        key = {
            "LONG": "Long",
            "DOUBLE": "Double",
            "DECIMAL": "Decimal",
            "DATE": "Date",
            "STRING": "String",
            "BOOLEAN": "Boolean",
        }[kind]
        stats.append(
            ColumnStatistics(c.name, c.type, {"Type": kind, f"{key}ColumnStatisticsData": body})
        )
    return int(row["__rows"]), stats
