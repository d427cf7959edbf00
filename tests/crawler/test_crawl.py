"""Crawling real files into a real catalog (SQLite and PostgreSQL): tables, partitions, policies,
incremental recrawls, atomicity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from glue_magics.catalog import Catalog
from glue_magics.crawler.options import CrawlOptions
from glue_magics.crawler.run import crawl, recrawl
from glue_magics.errors import ConcurrentModificationError, EntityNotFoundError, InvalidInputError
from tests.lake import write_parquet


def names(catalog: Catalog, database: str = "raw") -> list[str]:
    return [t.name for t in catalog.list_tables(database)]


def test_full_crawl_creates_tables_partitions_and_a_run(catalog: Catalog, lake: Path) -> None:
    result = crawl(catalog, [str(lake)], "raw", name="lake")
    assert result.state == "SUCCEEDED"
    assert names(catalog) == ["customers", "events", "orders"]
    orders = catalog.get_table("raw", "orders")
    assert orders.classification == "parquet"
    assert [(c.name, c.type) for c in orders.columns] == [
        ("order_id", "bigint"),
        ("amount", "double"),
    ]
    assert [(k.name, k.type) for k in orders.partition_keys] == [("dt", "string")]
    assert orders.location == str(lake / "orders")
    params = orders.parameters
    assert params["UPDATED_BY_CRAWLER"] == "lake"
    assert params["compressionType"] == "none"
    assert params["objectCount"] == "6" and params["recordCount"] == "18"
    assert orders.serde_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    parts = catalog.get_partitions("raw", "orders").partitions
    assert [p.values for p in parts] == [("2024-01-01",), ("2024-01-02",), ("2024-01-03",)]
    assert parts[0].location == str(lake / "orders" / "dt=2024-01-01")
    assert parts[0].storage is None  # same schema as the table
    assert catalog.get_table("raw", "customers").classification == "csv"
    assert catalog.get_table("raw", "events").classification == "json"
    (run,) = catalog.list_runs("crawl", name="lake")
    assert run.state == "SUCCEEDED"
    assert run.metrics["tables_created"] == 3
    assert run.metrics["partitions_added"] == 3
    assert run.metrics["files_read"] == 8
    assert any("_SUCCESS" in path for path in result.skipped)


def test_dry_run_writes_nothing_and_explains(catalog: Catalog, lake: Path) -> None:
    before = catalog.change_seq()
    result = crawl(catalog, [str(lake)], "raw", dry_run=True)
    assert catalog.change_seq() == before
    assert catalog.list_databases() == []
    assert {t.name for r in result.targets for t in r.tables} == {"customers", "events", "orders"}
    decisions = " ".join(d for r in result.targets for d in r.decisions)
    assert "not a table root" in decisions and "schema cluster" in decisions
    assert result.plan.count("create table") == 3


def test_unchanged_recrawl_reads_nothing_and_changes_nothing(catalog: Catalog, lake: Path) -> None:
    crawl(catalog, [str(lake)], "raw", name="lake")
    before = {t.name: (t.version, t.updated_at) for t in catalog.list_tables("raw")}
    result = recrawl(catalog, "lake")
    assert result.files_read == 0 and result.files_unchanged == 8
    assert result.plan.changes == []
    assert {t.name: (t.version, t.updated_at) for t in catalog.list_tables("raw")} == before
    assert [p.updated_at for p in catalog.iter_partitions("raw", "orders")] == [
        p.created_at for p in catalog.iter_partitions("raw", "orders")
    ]


def test_recrawl_reads_only_new_files_and_adds_partitions(catalog: Catalog, lake: Path) -> None:
    crawl(catalog, [str(lake)], "raw", name="lake")
    write_parquet(lake / "orders" / "dt=2024-01-04" / "part-0.parquet")
    result = recrawl(catalog, "lake")
    assert result.files_read == 1
    assert catalog.count_partitions("raw", "orders") == 4
    assert result.metrics()["partitions_added"] == 1


def test_new_column_updates_table_and_archives_version(catalog: Catalog, lake: Path) -> None:
    crawl(catalog, [str(lake / "orders")], "raw", name="orders")
    write_parquet(
        lake / "orders" / "dt=2024-01-04" / "p.parquet", extra={"coupon": ["a", "b", "c"]}
    )
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        for p in (lake / "orders" / f"dt={day}").iterdir():
            p.unlink()
        write_parquet(
            lake / "orders" / f"dt={day}" / "p.parquet", extra={"coupon": ["x", "y", "z"]}
        )
    recrawl(catalog, "orders")
    table = catalog.get_table("raw", "orders")
    assert [c.name for c in table.columns] == ["order_id", "amount", "coupon"]
    assert table.version == 2
    assert [c.name for c in catalog.get_table_version("raw", "orders", 1).definition.columns] == [
        "order_id",
        "amount",
    ]


@pytest.mark.parametrize(
    ("behavior", "expected"),
    [("log", ["order_id", "amount"]), ("merge-new-columns", ["order_id", "amount", "coupon"])],
)
def test_update_behaviors(
    catalog: Catalog, tmp_path: Path, behavior: str, expected: list[str]
) -> None:
    root = tmp_path / "orders"
    write_parquet(root / "dt=1" / "p.parquet")
    crawl(catalog, [str(root)], "raw", name="o", options=CrawlOptions(update_behavior=behavior))
    shutil.rmtree(root / "dt=1")
    write_parquet(root / "dt=1" / "p.parquet", extra={"coupon": ["a", "b", "c"]})
    result = recrawl(catalog, "o")
    assert [c.name for c in catalog.get_table("raw", "orders").columns] == expected
    if behavior == "log":
        assert any(c.action == "log" and "coupon" in c.detail for c in result.plan.changes)


def test_delete_behaviors(catalog: Catalog, lake: Path) -> None:
    crawl(catalog, [str(lake)], "raw", name="lake")
    shutil.rmtree(lake / "events")
    shutil.rmtree(lake / "orders" / "dt=2024-01-01")
    recrawl(catalog, "lake")  # default: deprecate tables, keep partitions
    assert catalog.get_table("raw", "events").parameters["DEPRECATED_BY_CRAWLER"]
    assert catalog.count_partitions("raw", "orders") == 3
    saved = catalog.get_crawler("lake")
    catalog.save_crawler(
        "lake", "raw", saved.targets, {**saved.options, "delete_behavior": "delete"}
    )
    recrawl(catalog, "lake")
    assert names(catalog) == ["customers", "orders"]
    assert catalog.count_partitions("raw", "orders") == 2


def test_new_folders_mode_only_adds_partitions(catalog: Catalog, lake: Path) -> None:
    crawl(
        catalog,
        [str(lake / "orders")],
        "raw",
        name="o",
        options=CrawlOptions(recrawl="new-folders"),
    )
    write_parquet(
        lake / "orders" / "dt=2024-01-01" / "late.parquet", extra={"coupon": ["a", "b", "c"]}
    )
    write_parquet(lake / "orders" / "dt=2024-02-01" / "p.parquet")
    result = recrawl(catalog, "o")
    assert result.files_read == 1
    assert (
        "new file in a folder crawled before"
        in result.skipped[str(lake / "orders" / "dt=2024-01-01" / "late.parquet")]
    )
    assert catalog.count_partitions("raw", "orders") == 4
    assert catalog.get_table("raw", "orders").version == 1


def test_table_threshold_fails_and_writes_nothing(catalog: Catalog, lake: Path) -> None:
    catalog.create_database("raw")
    before = names(catalog)
    with pytest.raises(
        InvalidInputError, match="more than --table-threshold 2; nothing was written"
    ):
        crawl(catalog, [str(lake)], "raw", name="lake", options=CrawlOptions(table_threshold=2))
    assert names(catalog) == before
    (run,) = catalog.list_runs("crawl", name="lake")
    assert run.state == "FAILED" and "table-threshold" in (run.error or "")


def test_concurrent_run_is_refused(catalog: Catalog, lake: Path) -> None:
    crawl(catalog, [str(lake)], "raw", name="lake")
    other = catalog.start_run("crawl", "lake")
    catalog.acquire_crawler_lease("lake", other.id, 60)
    with pytest.raises(ConcurrentModificationError, match="already running"):
        recrawl(catalog, "lake")
    catalog.release_crawler_lease("lake", other.id)
    assert recrawl(catalog, "lake").state == "SUCCEEDED"


def test_failure_while_writing_leaves_catalog_as_it_was(
    catalog: Catalog, lake: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glue_magics.crawler import plan as plan_module

    original = plan_module.CrawlPlan.apply

    def apply_then_fail(self: plan_module.CrawlPlan, cat: Catalog) -> None:
        original(self, cat)
        raise RuntimeError("disk full")

    catalog.create_database("raw")
    monkeypatch.setattr(plan_module.CrawlPlan, "apply", apply_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        crawl(catalog, [str(lake)], "raw", name="lake")
    assert names(catalog) == []
    assert catalog.crawler_files("lake") == {}
    (run,) = catalog.list_runs("crawl", name="lake")
    assert run.state == "FAILED" and "disk full" in (run.error or "")
    monkeypatch.undo()
    assert recrawl(catalog, "lake").files_read == 8


def test_file_target_and_missing_target(catalog: Catalog, lake: Path) -> None:
    crawl(catalog, [str(lake / "customers" / "customers.csv")], "raw")
    table = catalog.get_table("raw", "customers")
    assert table.location == str(lake / "customers" / "customers.csv")
    assert [c.name for c in table.columns] == ["id", "name", "since"]
    with pytest.raises(EntityNotFoundError, match="does not exist"):
        crawl(catalog, [str(lake / "nope")], "raw")


def test_bad_files_are_reported_not_fatal(catalog: Catalog, tmp_path: Path) -> None:
    root = tmp_path / "messy"
    for day in (1, 2, 3):
        write_parquet(root / "t" / f"dt={day}" / "ok.parquet")
    (root / "t" / "dt=3" / "broken.parquet").write_bytes(b"PAR1 this is not parquet PAR1")
    (root / "t" / "dt=2" / "empty.parquet").write_bytes(b"")
    (root / "t" / "dt=1" / "link.parquet").symlink_to(root / "nowhere")
    result = crawl(catalog, [str(root / "t")], "raw", name="messy")
    assert catalog.count_partitions("raw", "t") == 3
    failed = {Path(p).name: why for p, why in result.failed.items()}
    assert set(failed) == {"broken.parquet", "empty.parquet"}
    assert "broken link" in result.skipped[str(root / "t" / "dt=1" / "link.parquet")]
    (run,) = catalog.list_runs("crawl", name="messy")
    assert set(Path(p).name for p in run.metrics["failed_files"]) == {
        "broken.parquet",
        "empty.parquet",
    }


def test_wide_and_oddly_named_columns(catalog: Catalog, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    wide = tmp_path / "wide"
    wide.mkdir()
    pq.write_table(pa.table({f"c{i}": [i] for i in range(10_000)}), wide / "w.parquet")
    odd = tmp_path / "odd"
    odd.mkdir()
    pq.write_table(
        pa.table({"Order Date": ["x"], "prénom": ["y"], "select": [1]}), odd / "o.parquet"
    )
    crawl(catalog, [str(wide), str(odd)], "raw", name="shapes")
    assert len(catalog.get_table("raw", "wide").columns) == 10_000
    assert [c.name for c in catalog.get_table("raw", "odd").columns] == [
        "order date",
        "prénom",
        "select",
    ]


def test_bad_options_change_nothing(catalog: Catalog, lake: Path) -> None:
    for kwargs in (
        {"recrawl": "sometimes"},
        {"table_level": 0},
        {"table_prefix": "bad prefix"},
        {"sample_size": -1},
    ):
        with pytest.raises(InvalidInputError):
            CrawlOptions(**kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        crawl(catalog, [], "raw")
    with pytest.raises(InvalidInputError):
        crawl(catalog, [str(lake)], "bad name")
    assert catalog.list_databases() == []
