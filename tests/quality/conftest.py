"""Fixtures for the data-quality tests: the shared local Spark session (one JVM per test process,
through the kernel's session manager), small datasets, and catalog tables with data."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pytest

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from glue_magics.catalog import Catalog

#: A fixed "now" for tests that compare dates.
NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SparkSession]:
    """The kernel's managed session on local[2], UI off (reused if another test started it)."""
    from glue_magics.spark.errors import JavaNotFoundError
    from glue_magics.spark.java import require_java
    from glue_magics.spark.session import manager

    try:
        require_java()
    except JavaNotFoundError as err:
        pytest.skip(f"Spark tests need Java 17+: {err}")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    if not manager.is_active():
        manager.use_master("local[2]")
        manager.configure(
            **{
                "spark.ui.enabled": "false",
                "spark.sql.shuffle.partitions": "2",
                "spark.sql.warehouse.dir": str(tmp_path_factory.mktemp("dq-warehouse")),
            }
        )
    yield manager.session()
    manager.stop()


def orders_frame() -> pd.DataFrame:
    """Five orders with a NULL id, a duplicate id, a NULL name, an odd country and amount."""
    return pd.DataFrame(
        {
            "id": [1.0, 2.0, 3.0, 3.0, None],
            "amount": [5, 10, 250, 7, 1],
            "name": ["a", "bb", None, "dddd", "e"],
            "country": ["US", "CA", "US", "XX", None],
            "code": ["1", "22", "x", None, "-7"],
            "ordered": pd.to_datetime(
                [
                    "2024-06-01 10:00",
                    "2024-05-31 13:00",
                    "2024-05-20 00:00",
                    None,
                    "2024-06-01 11:30",
                ],
                utc=True,
            ),
        }
    )


ORDERS_DDL = "id double, amount bigint, name string, country string, code string, ordered timestamp"


@pytest.fixture
def orders() -> pd.DataFrame:
    return orders_frame()


def to_spark(spark: SparkSession, frame: pd.DataFrame, ddl: str) -> Any:
    rows = [
        tuple(
            None if pd.isna(v) else (v.to_pydatetime() if hasattr(v, "to_pydatetime") else v)
            for v in row
        )
        for row in frame.itertuples(index=False)
    ]
    return spark.createDataFrame(rows, ddl)


@pytest.fixture(scope="session")
def spark_orders(spark: SparkSession) -> Any:
    return to_spark(spark, orders_frame(), ORDERS_DDL).cache()


@pytest.fixture
def sqlite_catalog(sqlite_url: str, glue_home: Path) -> Iterator[Catalog]:
    """A fresh SQLite catalog (the store-agnostic tests of rulesets run on every backend)."""
    from glue_magics.catalog import Catalog

    with Catalog(sqlite_url, home=glue_home) as cat:
        yield cat


@pytest.fixture
def lake_table(sqlite_catalog: Catalog, tmp_path: Path) -> Callable[..., str]:
    """``make("sales", "orders", frame)`` writes ``frame`` as Parquet and catalogs it: db.table."""
    from glue_magics.catalog import Column

    types = {"float64": "double", "int64": "bigint", "object": "string", "bool": "boolean"}

    def make(database: str, table: str, frame: pd.DataFrame) -> str:
        folder = tmp_path / "lake" / database / table
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(folder / "part-0.parquet", index=False)
        sqlite_catalog.create_database(database, if_not_exists=True)
        sqlite_catalog.create_table(
            database,
            table,
            columns=[Column(str(c), types[str(t)]) for c, t in frame.dtypes.items()],
            location=str(folder),
            classification="parquet",
        )
        return f"{database}.{table}"

    return make
