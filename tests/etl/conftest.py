"""One local SparkSession for the ETL tests, shared with any other test that already started one."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


@pytest.fixture(scope="session")
def spark() -> SparkSession:
    """The managed session every Spark test shares (one JVM per test process)."""
    from glue_magics.spark.session import manager

    if not manager.is_active():
        manager.use_master("local[2]")
        manager.configure(**{"spark.ui.enabled": "false", "spark.sql.session.timeZone": "UTC"})
    return manager.session()


Frame = Callable[[Sequence[Mapping[str, Any]], str], "DataFrame"]


@pytest.fixture(scope="session")
def frame(spark: SparkSession) -> Frame:
    """Build a DataFrame from JSON-like rows and a DDL schema.

    The rows go in as SQL VALUES, so Spark holds them as a local relation and evaluates plain
    projections on the driver; that keeps these tests quick on two busy cores.
    """

    def make(rows: Sequence[Mapping[str, Any]], schema: str) -> DataFrame:
        if not rows:
            return spark.createDataFrame([], schema)
        args = {f"r{i}": json.dumps(row, default=str) for i, row in enumerate(rows)}
        values = ", ".join(f"(:r{i})" for i in range(len(rows)))
        return spark.sql(
            f"SELECT j.* FROM (SELECT from_json(t.j, :schema) AS j FROM VALUES {values} AS t(j))",
            args={**args, "schema": schema},
        )

    return make


def rows(df: DataFrame, *order: str) -> list[dict[str, Any]]:
    """Collected rows as nested dicts, sorted in Python by ``order`` (a Spark sort costs a job)."""
    out = [r.asDict(recursive=True) for r in df.collect()]
    if order:
        out.sort(key=lambda r: tuple((r[k] is None, r[k]) for k in order))
    return out


def ddl(df: DataFrame) -> str:
    return df.schema.simpleString()
