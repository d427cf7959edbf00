"""%%sql and catalog tables in Spark: on-demand registration, partition pruning, safe parameters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.catalog import Catalog
from glue_magics.crawler.run import crawl
from glue_magics.errors import InvalidInputError
from glue_magics.spark.catalog_bridge import CatalogBridge, referenced_tables
from glue_magics.spark.sql import SparkQueryError, bind_parameters, run_sql
from tests.lake import write_parquet


def test_referenced_tables_skips_strings_and_comments() -> None:
    sql = "SELECT o.id, 'x.y' FROM raw.orders o JOIN `raw`.`cust-1` c -- other.table\n /* a.b */ ON o.c = c.id"
    assert referenced_tables(sql) == ["o.id", "raw.orders", "raw.cust-1", "o.c", "c.id"]


def test_bind_parameters_binds_values_not_text() -> None:
    text, args = bind_parameters(
        "WHERE a = {x} AND b = :y AND c = ':z' AND d::int = 1", {"x": "1'; DROP", "y": 2}
    )
    assert text == "WHERE a = :x AND b = :y AND c = ':z' AND d::int = 1"
    assert args == {"x": "1'; DROP", "y": 2}
    with pytest.raises(InvalidInputError, match="parameter :nope"):
        bind_parameters("WHERE a = :nope", {})


@pytest.fixture
def lake_catalog(tmp_path: Path, glue_home: Path) -> Iterator[Catalog]:
    lake = tmp_path / "lake"
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        write_parquet(lake / "orders" / f"dt={day}" / "p.parquet", rows=4)
    with Catalog(home=glue_home) as catalog:
        crawl(catalog, [str(lake / "orders")], "raw", name="lake")
        catalog.lake = lake  # type: ignore[attr-defined]
        yield catalog


def test_query_with_partition_filter_reads_only_matching_partitions(
    spark, lake_catalog: Catalog
) -> None:  # type: ignore[no-untyped-def]
    lake = lake_catalog.lake  # type: ignore[attr-defined]
    # If the filter did not prune, reading this corrupt partition would fail the query.
    (lake / "orders" / "dt=2024-01-03" / "p.parquet").write_bytes(b"not parquet at all")
    bridge = CatalogBridge(lake_catalog)
    _, result = run_sql(
        spark,
        bridge,
        "SELECT dt, count(*) AS n FROM raw.orders WHERE dt <= :day GROUP BY dt ORDER BY dt",
        {"day": "2024-01-02"},
    )
    assert result.frame.to_dict("records") == [
        {"dt": "2024-01-01", "n": 4},
        {"dt": "2024-01-02", "n": 4},
    ]


def test_registration_is_on_demand_and_follows_catalog_changes(
    spark, lake_catalog: Catalog
) -> None:  # type: ignore[no-untyped-def]
    for i in range(20):
        lake_catalog.create_table(
            "raw", f"other{i}", columns=[{"name": "x", "type": "int"}], classification="parquet"
        )
    bridge = CatalogBridge(lake_catalog)
    run_sql(spark, bridge, "SELECT count(*) FROM raw.orders")
    assert list(bridge._registered) == ["raw.orders"]
    write_parquet(lake_catalog.lake / "orders" / "dt=2024-01-09" / "p.parquet", rows=2)  # type: ignore[attr-defined]
    crawl(lake_catalog, [str(lake_catalog.lake / "orders")], "raw", name="lake")  # type: ignore[attr-defined]
    _, result = run_sql(spark, bridge, "SELECT count(*) AS n FROM raw.orders")
    assert result.frame["n"].tolist() == [14]


def test_limit_fetches_only_first_rows(spark, lake_catalog: Catalog) -> None:  # type: ignore[no-untyped-def]
    bridge = CatalogBridge(lake_catalog)
    _, result = run_sql(spark, bridge, "SELECT * FROM raw.orders", limit=5)
    assert len(result.frame) == 5 and result.more
    _, result = run_sql(spark, bridge, "SELECT * FROM raw.orders", limit=50)
    assert len(result.frame) == 12 and not result.more


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT * FROM raw.ordrs", "table raw.ordrs not found; did you mean raw.orders?"),
        ("SELEC * FROM raw.orders", "PARSE_SYNTAX_ERROR"),
        ("SELECT nope FROM raw.orders", "UNRESOLVED_COLUMN"),
    ],
)
def test_errors_are_one_line(spark, lake_catalog: Catalog, sql: str, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SparkQueryError) as caught:
        run_sql(spark, CatalogBridge(lake_catalog), sql)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_sql_magic(spark, lake_catalog: Catalog, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    shell.magics_manager.registry["SqlMagics"].catalog_url = lake_catalog.url
    try:
        shell.user_ns["day"] = "2024-01-02"
        out = shell.run_cell_magic(
            "sql", "-o rows --limit 3", "SELECT * FROM raw.orders WHERE dt = {day}"
        )
        assert out.footer == "first 3 rows; more with --limit"
        assert set(shell.user_ns["rows"]["dt"]) == {"2024-01-02"}
        assert shell.run_line_magic("sql", "SELECT 1 AS one").rows == [[1]]
        failed = shell.run_cell("%%sql\nSELECT * FROM raw.nope")
        assert isinstance(failed.error_in_exec, SparkQueryError)
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    finally:
        shell.magics_manager.registry["SqlMagics"].catalog_url = None
