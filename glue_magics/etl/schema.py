"""Spark schemas as catalog columns, and what an append may do to a table's schema."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from glue_magics.catalog.objects import Column
from glue_magics.catalog.types import normalize_type
from glue_magics.crawler.classify.merge import widen

if TYPE_CHECKING:
    from pyspark.sql.types import DataType, StructType


def hive_type(data_type: DataType) -> str:
    """Spark's type names are Hive's, but for a few Hive does not have."""
    text = data_type.simpleString()
    for spark_name, hive_name in (("timestamp_ntz", "timestamp"), ("void", "string")):
        text = text.replace(spark_name, hive_name)
    if text.startswith("interval") or text == "variant":
        return "string"
    return normalize_type(text)


def columns_of(schema: StructType) -> tuple[Column, ...]:
    return tuple(Column(f.name.lower(), hive_type(f.dataType)) for f in schema.fields)


def schema_differences(table: Sequence[Column], data: Sequence[Column]) -> list[str]:
    """Why ``data`` cannot be appended to a table with columns ``table`` as it is."""
    have = {c.name: c.type for c in table}
    new = {c.name: c.type for c in data}
    problems = [f"new column {n} {t}" for n, t in new.items() if n not in have]
    problems += [f"missing column {n}" for n in have if n not in new]
    problems += [
        f"column {n} is {have[n]} in the table, {t} in the data"
        for n, t in new.items()
        if n in have and have[n] != t
    ]
    return problems


def evolve(table: Sequence[Column], data: Sequence[Column]) -> tuple[Column, ...]:
    """The table's columns, types widened where the data needs it, then the data's new columns."""
    new = {c.name: c for c in data}
    kept = [
        Column(c.name, widen(c.type, new[c.name].type) if c.name in new else c.type, c.comment)
        for c in table
    ]
    known = {c.name for c in table}
    return (*kept, *(c for c in data if c.name not in known))
