"""A starter ruleset for a table from its column statistics, like Glue's rule recommendations.

Statistics come from the catalog (written by ETL runs); when a table has none, one Spark pass
computes them. Low-cardinality text columns get their observed values listed (one small query).
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from glue_magics.catalog.names import split_table_name

if TYPE_CHECKING:
    from glue_magics.catalog import Catalog

_FEW_VALUES = 10


def recommend(catalog: Catalog, name: str, *, spark: Any = None, sample_values: bool = True) -> str:
    """DQDL for table ``database.table``: row count range, completeness, uniqueness, value ranges,
    lengths and allowed values, from what the data looks like now."""
    database, table_name = split_table_name(name)
    table = catalog.get_table(database, table_name)
    full = f"{database}.{table_name}"
    stats = {s.column_name: s.data for s in catalog.get_column_statistics(database, table_name)}
    rows = _int(table.parameters.get("recordCount"))
    df = None
    columns = list(table.columns) + list(table.partition_keys)
    if not stats or rows is None or (sample_values and _needs_values(stats)):
        df = _frame(catalog, full, spark)
    if not stats or rows is None:
        from glue_magics.etl.stats import compute

        assert df is not None
        rows, computed = compute(df, columns)
        stats = {s.column_name: s.data for s in computed}
    if rows:
        lines = [f"RowCount between {math.floor(rows * 0.8)} and {math.ceil(rows * 1.2) + 1}"]
    else:
        lines = ["RowCount >= 0"]
    lines.append(f"ColumnCount = {len(columns)}")
    for col in columns:
        data = stats.get(col.name)
        if not data:
            continue
        body: dict[str, Any] = next(
            (v for k, v in data.items() if k.endswith("ColumnStatisticsData")), {}
        )
        nulls = _int(body.get("NumberOfNulls")) or 0
        q = json.dumps(col.name)
        if rows:
            if nulls == 0:
                lines.append(f"IsComplete {q}")
            elif nulls < rows:
                completeness = (rows - nulls) / rows
                lines.append(f"Completeness {q} >= {_floor2(completeness * 0.9)}")
        distinct = _int(body.get("NumberOfDistinctValues"))
        kind = data.get("Type")
        if distinct is not None and rows and nulls == 0 and distinct >= rows and kind != "DOUBLE":
            lines.append(f"IsUnique {q}")
        # NULL rows fail ColumnValues: a column with NULLs gets a threshold at its completeness.
        share = (
            "" if not nulls or not rows else f" with threshold >= {_floor2((rows - nulls) / rows)}"
        )
        if kind in ("LONG", "DOUBLE") and body.get("MinimumValue") is not None:
            low, high = float(body["MinimumValue"]), float(body["MaximumValue"])
            if kind == "LONG":
                lines.append(f"ColumnValues {q} between {int(low) - 1} and {int(high) + 1}{share}")
            else:
                pad = max(abs(high - low) * 0.01, 1e-9)
                lines.append(
                    f"ColumnValues {q} between {_num(low - pad)} and {_num(high + pad)}{share}"
                )
        if kind == "STRING":
            longest = _int(body.get("MaximumLength"))
            if longest:
                lines.append(f"ColumnLength {q} <= {longest}")
            if df is not None and distinct is not None and 0 < distinct <= _FEW_VALUES:
                values = _values(df, col.name)
                if values is not None:
                    listed = ", ".join(
                        [json.dumps(v) for v in values] + (["NULL"] if nulls else [])
                    )
                    lines.append(f"ColumnValues {q} in [{listed}]")
    header = f"# Recommended for {full} from {rows} row(s); review before use.\n"
    body_text = ",\n".join(f"    {line}" for line in lines)
    return f"{header}Rules = [\n{body_text}\n]\n"


def _needs_values(stats: dict[str, dict[str, Any]]) -> bool:
    for data in stats.values():
        body = data.get("StringColumnStatisticsData")
        if body and 0 < (_int(body.get("NumberOfDistinctValues")) or 0) <= _FEW_VALUES:
            return True
    return False


def _frame(catalog: Catalog, full: str, spark: Any) -> Any:
    from glue_magics.spark.tables import bridge_for

    if spark is None:
        from glue_magics.spark.session import manager

        spark = manager.session()
    bridge_for(catalog).ensure(spark, [full])
    return spark.table(full)


def _values(df: Any, column: str) -> list[str] | None:
    rows = (
        df.select(f"`{column}`").where(f"`{column}` IS NOT NULL").distinct().limit(_FEW_VALUES + 1)
    )
    values = sorted(str(r[0]) for r in rows.collect())
    return values if 0 < len(values) <= _FEW_VALUES else None


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _floor2(value: float) -> float:
    return math.floor(value * 100) / 100


def _num(value: float) -> str:
    return f"{value:.6g}"
