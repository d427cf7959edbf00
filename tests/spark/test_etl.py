"""%%etl: transforms landing as cataloged tables, atomically, with lineage and bookmarks."""

from __future__ import annotations

from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell

from glue_magics.catalog import Catalog
from glue_magics.crawler.run import crawl
from glue_magics.errors import EntityNotFoundError, InvalidInputError
from glue_magics.etl.runner import run_etl
from glue_magics.etl.spec import make_spec
from glue_magics.spark.catalog_bridge import CatalogBridge
from tests.lake import write_parquet
from tests.spark.conftest import DAYS

REVENUE = "SELECT o.dt, c.region, sum(o.amount) AS revenue, count(*) AS orders FROM o JOIN c ON o.customer = c.id GROUP BY 1, 2"


def etl(spark, cat: Catalog, body: str = REVENUE, **options):  # type: ignore[no-untyped-def]
    options.setdefault("sources", ["o=raw.orders", "c=raw.customers"])
    options.setdefault("target", "analytics.revenue")
    return run_etl(cat, spark, CatalogBridge(cat), make_spec(body=body, **options), {})


def read(spark, cat: Catalog, name: str = "analytics.revenue") -> list[tuple]:  # type: ignore[no-untyped-def]
    bridge = CatalogBridge(cat)
    bridge.ensure(spark, [name])
    return sorted((tuple(r) for r in spark.table(name).collect()), key=str)


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_sql_etl_creates_a_partitioned_cataloged_table(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    result = etl(spark, cat, partition_by=["dt"])
    assert result.state == "SUCCEEDED" and result.created_table and result.rows_written == 6
    table = cat.get_table("analytics", "revenue")
    assert [(c.name, c.type) for c in table.columns] == [
        ("region", "string"),
        ("revenue", "double"),
        ("orders", "bigint"),
    ]
    assert [k.name for k in table.partition_keys] == ["dt"]
    assert table.location.endswith("/warehouse/analytics/revenue")
    assert table.parameters["recordCount"] == "6"
    assert [p.values for p in cat.get_partitions("analytics", "revenue").partitions] == [
        (d,) for d in DAYS
    ]
    stats = {s.column_name: s.data for s in cat.get_column_statistics("analytics", "revenue")}
    assert stats["orders"]["LongColumnStatisticsData"]["MinimumValue"] == 2
    lineage = cat.get_lineage("analytics.revenue")["upstream"]
    assert {e.source for e in lineage} == {"raw.orders", "raw.customers"} and lineage[0].code_hash
    (run,) = cat.list_runs("etl")
    assert run.state == "SUCCEEDED" and run.metrics["rows_written"] == 6
    assert ("2024-01-01", "eu", 4.5, 2) in [(r[3], r[0], r[1], r[2]) for r in read(spark, cat)]
    assert not [
        p for p in Path(table.location).parent.iterdir() if p.name.startswith(".")
    ]  # no staging left


def test_overwrite_partitions_replaces_only_written_partitions(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    etl(spark, cat, partition_by=["dt"])
    etl(
        spark,
        cat,
        "SELECT dt, 'all' AS region, CAST(0 AS DOUBLE) AS revenue, 0L AS orders FROM o WHERE dt = '2024-01-02' GROUP BY dt",
        sources=["o=raw.orders"],
        partition_by=["dt"],
        mode="overwrite-partitions",
    )
    rows = read(spark, cat)
    assert {r[3] for r in rows if r[0] == "all"} == {"2024-01-02"}
    assert {r[3] for r in rows if r[0] != "all"} == {"2024-01-01", "2024-01-03"}


def test_append_with_a_different_schema_is_refused_and_writes_nothing(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    etl(spark, cat, partition_by=["dt"])
    location = Path(cat.get_table("analytics", "revenue").location)
    before = (files(location), cat.get_table("analytics", "revenue").version, cat.change_seq())
    with pytest.raises(InvalidInputError, match=r"new column note string.*--schema-evolution"):
        etl(
            spark,
            cat,
            REVENUE.replace("AS orders", "AS orders, 'x' AS note"),
            partition_by=["dt"],
            mode="append",
        )
    assert (files(location), cat.get_table("analytics", "revenue").version) == before[:2]
    result = etl(
        spark,
        cat,
        REVENUE.replace("AS orders", "AS orders, 'x' AS note"),
        partition_by=["dt"],
        mode="append",
        schema_evolution=True,
    )
    assert result.schema_changes == ["new column note string"]
    assert [c.name for c in cat.get_table("analytics", "revenue").columns][-1] == "note"
    assert len(read(spark, cat)) == 12


def test_a_failing_transform_leaves_target_and_catalog_as_they_were(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    etl(spark, cat, partition_by=["dt"])
    table = cat.get_table("analytics", "revenue")
    before = (
        files(Path(table.location)),
        table.version,
        cat.count_partitions("analytics", "revenue"),
    )
    failing = "SELECT dt, 'x' AS region, assert_true(amount < 0) AS revenue, 1L AS orders FROM o"
    with pytest.raises(Exception, match=r"assert_true|amount < 0|failed"):
        etl(spark, cat, failing, sources=["o=raw.orders"], partition_by=["dt"], mode="overwrite")
    table = cat.get_table("analytics", "revenue")
    assert (
        files(Path(table.location)),
        table.version,
        cat.count_partitions("analytics", "revenue"),
    ) == before
    assert not [p for p in Path(table.location).parent.iterdir() if p.name.startswith(".")]
    assert cat.list_runs("etl")[0].state == "FAILED"


def test_a_failing_catalog_commit_moves_the_data_back(
    spark, cat: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    etl(spark, cat, partition_by=["dt"])
    location = Path(cat.get_table("analytics", "revenue").location)
    before = files(location)

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("catalog went away")

    monkeypatch.setattr(cat, "add_lineage", broken)
    with pytest.raises(RuntimeError, match="catalog went away"):
        etl(
            spark,
            cat,
            "SELECT dt, 'x' AS region, 1.0 AS revenue, 1L AS orders FROM o",
            sources=["o=raw.orders"],
            partition_by=["dt"],
        )
    assert files(location) == before
    assert cat.get_table("analytics", "revenue").version == 1


def test_bookmarks_process_only_new_files_across_runs(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    copy = dict(
        sources=["o=raw.orders"],
        target="analytics.copy",
        partition_by=["dt"],
        mode="append",
        bookmark=True,
    )
    first = etl(spark, cat, "SELECT * FROM o", **copy)
    assert first.rows_written == 12 and first.new_files_read == {"raw.orders": 3}
    second = etl(spark, cat, "SELECT * FROM o", **copy)
    assert second.rows_written == 0
    write_parquet(
        cat.lake / "orders" / "dt=2024-01-04" / "p.parquet",
        rows=4,
        extra={"customer": [0, 0, 0, 0]},
    )  # type: ignore[attr-defined]
    write_parquet(
        cat.lake / "orders" / "dt=2024-01-01" / "late.parquet", rows=1, extra={"customer": [1]}
    )  # type: ignore[attr-defined]
    crawl(cat, [str(cat.lake)], "raw", name="lake")  # type: ignore[attr-defined]
    third = etl(spark, cat, "SELECT * FROM o", **copy)
    assert third.rows_written == 5 and third.new_files_read == {"raw.orders": 2}
    assert len(read(spark, cat, "analytics.copy")) == 17
    (mark,) = cat.list_bookmarks("analytics.copy")
    assert len(mark.state["files"]) == 5


def test_python_body_and_path_target(spark, cat: Catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    body = "result = o.groupBy('dt').agg(F.sum('amount').alias('total'))"
    out = tmp_path / "out" / "totals"
    result = etl(
        spark, cat, body, sources=["o=raw.orders"], target=str(out), lang="python", format="json"
    )
    assert result.rows_written == 3 and not result.created_table
    assert sorted(r.dt for r in spark.read.json(str(out)).collect()) == list(DAYS)
    assert cat.get_lineage(str(out))["upstream"][0].source == "raw.orders"


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"sources": ["o=raw.ordrs"]}, EntityNotFoundError, "did you mean raw.orders"),
        ({"sources": ["1x=raw.orders"]}, InvalidInputError, "ALIAS=DATABASE.TABLE"),
        ({"sources": ["o=raw.orders", "o=raw.customers"]}, InvalidInputError, "used twice"),
        ({"format": "xlsx"}, InvalidInputError, "invalid --format"),
        ({"mode": "merge"}, InvalidInputError, "invalid --mode"),
        ({"partition_by": ["nope"]}, InvalidInputError, "--partition-by 'nope' is not a column"),
        ({"mode": "overwrite-partitions"}, InvalidInputError, "needs --partition-by"),
        ({"target": "nodb.t"}, EntityNotFoundError, "database 'nodb' not found"),
        ({"lang": "python"}, SyntaxError, "invalid syntax"),
        ({"bookmark_key": "id"}, InvalidInputError, "goes with --bookmark"),
    ],
)
def test_bad_input_writes_nothing(
    spark, cat: Catalog, options: dict, error: type, message: str
) -> None:  # type: ignore[no-untyped-def]
    before = sorted(t.name for t in cat.list_tables("analytics"))
    with pytest.raises(error, match=message):
        etl(spark, cat, **options)
    assert sorted(t.name for t in cat.list_tables("analytics")) == before


def test_target_mismatches_are_refused(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    etl(spark, cat, partition_by=["dt"])
    with pytest.raises(InvalidInputError, match="partitioned by dt; --partition-by says region"):
        etl(spark, cat, partition_by=["region"])
    with pytest.raises(InvalidInputError, match="stored as parquet; --format says csv"):
        etl(spark, cat, partition_by=["dt"], format="csv")
    with pytest.raises(InvalidInputError, match="must assign a Spark DataFrame"):
        etl(spark, cat, "x = 1", sources=["o=raw.orders"], lang="python", partition_by=["dt"])


def test_etl_magic_runs_and_bookmarks(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "glue_magics")
    magics = shell.magics_manager.registry["EtlMagics"]
    magics.catalog_url = cat.url
    try:
        report = shell.run_cell_magic(
            "etl",
            "--source o=raw.orders --target analytics.daily --partition-by dt -o daily",
            "SELECT dt, count(*) AS n FROM o GROUP BY dt",
        )
        assert dict(report.fields)["rows written"] == 3
        assert shell.user_ns["daily"].count() == 3
        runs = shell.run_line_magic("etl", "runs --target analytics.daily")
        assert [r[3] for r in runs.rows] == ["SUCCEEDED"]
        assert shell.run_line_magic("etl", "bookmarks").rows == []
    finally:
        magics.catalog_url = None


JDBC_JAR = Path("/usr/share/java/postgresql.jar")


@pytest.mark.postgres
def test_jdbc_target_on_postgresql(
    spark, cat: Catalog, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    if JDBC_JAR.name not in spark.conf.get("spark.jars", ""):
        pytest.skip(
            f"the Spark session has no PostgreSQL JDBC driver ({JDBC_JAR} is installed by ./dev test)"
        )
    url = sa.make_url(pg_url)
    jdbc = f"jdbc:postgresql://{url.host}:{url.port}/{url.database}?user={url.username}"
    monkeypatch.setenv("PG_TEST_PASSWORD", "unused-with-trust-auth")
    options = dict(
        sources=["o=raw.orders"],
        target=jdbc,
        jdbc_table="public.daily",
        secret_ref="env:PG_TEST_PASSWORD",
    )
    first = etl(spark, cat, "SELECT dt, count(*) AS n FROM o GROUP BY dt", **options)
    assert first.rows_written == 3
    again = etl(spark, cat, "SELECT dt, count(*) AS n FROM o GROUP BY dt", mode="append", **options)
    assert again.rows_written == 3
    engine = sa.create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM public.daily")).scalar_one() == 6
        tables = set(sa.inspect(conn).get_table_names(schema="public"))
    assert tables == {"daily"}  # no staging table left
    with pytest.raises(Exception, match=r"is not true"):
        etl(spark, cat, "SELECT dt, CAST(assert_true(dt IS NULL) AS BIGINT) AS n FROM o", **options)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM public.daily")).scalar_one() == 6
        assert set(sa.inspect(conn).get_table_names(schema="public")) == {"daily"}
    engine.dispose()
    assert cat.get_lineage(f"{jdbc}#public.daily")["upstream"][0].source == "raw.orders"


def test_nan_values_leave_min_and_max_out_of_the_statistics(spark, cat: Catalog) -> None:  # type: ignore[no-untyped-def]
    body = "SELECT dt, CAST('NaN' AS DOUBLE) AS v FROM o"
    result = etl(spark, cat, body, sources=["o=raw.orders"], target="analytics.nans")
    assert result.rows_written == 12
    (stat,) = [s for s in cat.get_column_statistics("analytics", "nans") if s.column_name == "v"]
    assert stat.data["Type"] == "DOUBLE"
    assert "MinimumValue" not in stat.data["DoubleColumnStatisticsData"]
