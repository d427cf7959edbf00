"""Grouping files into tables and partitions: Glue's documented examples, and the edge cases."""

from __future__ import annotations

from glue_magics.catalog import Column
from glue_magics.crawler.grouping import Grouping, disambiguate, group_files
from glue_magics.crawler.model import FileInfo, FileSchema

AB = (Column("a", "int"), Column("b", "int"))
CD = (Column("c", "int"), Column("d", "int"))


def entry(path: str, columns=AB, classification: str = "json", compression=None):  # type: ignore[no-untyped-def]
    parts = tuple(path.split("/"))
    return (
        FileInfo(f"/t/{path}", parts, 10),
        FileSchema(classification, compression, tuple(columns), record_count=1),
    )


def group(entries, **kwargs) -> Grouping:  # type: ignore[no-untyped-def]
    kwargs.setdefault("target_name", "t")
    return group_files(entries, location_of=lambda parts: "/t/" + "/".join(parts), **kwargs)


def tables(result: Grouping) -> dict[str, object]:
    return {t.name: t for t in result.tables}


def test_glue_example_sales_year_month_day_is_one_table() -> None:
    files = [
        entry(f"year=2019/month={m}/day={d}/part-{i}.json")
        for m in ("Jan", "Feb")
        for d in (1, 2)
        for i in range(2)
    ]
    result = group(files, target_name="sales")
    assert [t.name for t in result.tables] == ["sales"]
    sales = result.tables[0]
    assert [k.name for k in sales.partition_keys] == ["year", "month", "day"]
    assert all(k.type == "string" for k in sales.partition_keys)
    assert sorted(p.values for p in sales.partitions) == [
        ("2019", "Feb", "1"),
        ("2019", "Feb", "2"),
        ("2019", "Jan", "1"),
        ("2019", "Jan", "2"),
    ]
    assert sales.location == "/t/"
    assert sales.partitions[0].location == "/t/year=2019/month=Feb/day=1"
    assert "table root" in result.decisions[0]


def test_glue_example_similar_sibling_tables_become_partition_keys() -> None:
    files = [entry(f"table1/partition{i}/file.txt") for i in (1, 2, 3)]
    files += [entry(f"table2/partition{i}/file.txt") for i in (4, 5)]
    result = group(files, target_name="folder1")
    (table,) = result.tables
    assert table.name == "folder1"
    assert [k.name for k in table.partition_keys] == ["partition_0", "partition_1"]
    assert {p.values for p in table.partitions} == {
        ("table1", "partition1"),
        ("table1", "partition2"),
        ("table1", "partition3"),
        ("table2", "partition4"),
        ("table2", "partition5"),
    }


def test_glue_example_two_include_paths_make_two_tables() -> None:
    t1 = group([entry(f"partition{i}/file.txt") for i in (1, 2, 3)], target_name="table1")
    t2 = group([entry(f"partition{i}/file.txt") for i in (4, 5)], target_name="table2")
    assert [t.name for t in t1.tables + t2.tables] == ["table1", "table2"]


def test_glue_example_dissimilar_schemas_split_into_tables() -> None:
    files = [entry("year=2017/data1.json", AB), entry("year=2018/data2.json", CD)]
    result = group(files, target_name="table1")
    assert sorted(tables(result)) == ["year_2017", "year_2018"]
    assert tables(result)["year_2017"].columns == AB
    assert "none holds a majority" in result.decisions[0]


def test_glue_example_combine_compatible_makes_one_table_with_all_columns() -> None:
    files = [entry("year=2017/data1.json", AB), entry("year=2018/data2.json", CD)]
    result = group(files, target_name="table1", combine_compatible=True)
    (table,) = result.tables
    assert table.name == "table1"
    assert [c.name for c in table.columns] == ["a", "b", "c", "d"]
    assert [(k.name, k.type) for k in table.partition_keys] == [("year", "string")]


def test_different_formats_are_not_grouped() -> None:
    files = [
        entry("orders/a.json"),
        entry("orders/b.json"),
        entry("events/c.parquet", classification="parquet"),
    ]
    result = group(files, target_name="lake")
    assert sorted(tables(result)) == ["events", "orders"]


def test_majority_decides_and_minority_partition_keeps_own_schema() -> None:
    files = [entry(f"dt=2024-01-0{d}/f.json", AB) for d in (1, 2, 3)]
    files.append(entry("dt=2024-01-04/f.json", CD))
    (table,) = group(files, target_name="events").tables
    assert table.columns == AB
    odd = next(p for p in table.partitions if p.values == ("2024-01-04",))
    assert odd.columns == CD


def test_table_level_fixes_roots() -> None:
    files = [entry(f"{t}/dt={d}/f.json") for t in ("orders_2023", "orders_2024") for d in (1, 2)]
    assert [t.name for t in group(files, target_name="lake").tables] == ["lake"]
    result = group(files, target_name="lake", table_level=2)
    assert sorted(tables(result)) == ["orders_2023", "orders_2024"]
    assert all([k.name for k in t.partition_keys] == ["dt"] for t in result.tables)


def test_files_at_other_depths_and_at_root_are_skipped_with_reasons() -> None:
    files = [entry(f"dt={d}/f.json") for d in (1, 2, 3)]
    files += [entry("dt=1/extra/deeper.json"), entry("loose.json")]
    result = group(files, target_name="events")
    (table,) = result.tables
    assert len(table.files) == 3
    assert "partitions are 1 deep" in result.skipped["/t/dt=1/extra/deeper.json"]
    assert "outside its partition folders" in result.skipped["/t/loose.json"]


def test_stray_format_in_a_table_is_skipped() -> None:
    files = [entry(f"dt={d}/f.parquet", classification="parquet") for d in (1, 2, 3)]
    files.append(entry("dt=3/notes.json"))
    (table,) = group(files, target_name="events").tables
    assert table.classification == "parquet"
    assert len(table.files) == 3


def test_partition_key_named_like_a_column_wins() -> None:
    cols = (Column("id", "int"), Column("dt", "string"))
    (table,) = group([entry(f"dt={d}/f.json", cols) for d in (1, 2)], target_name="e").tables
    assert [c.name for c in table.columns] == ["id"]
    assert any("partition keys win" in n for n in table.notes)


def test_names_are_sanitized_prefixed_and_deduplicated() -> None:
    files = [entry("a/Events Log/f.json", AB), entry("b/Events Log/f.json", CD)]
    result = group(files, target_name="lake", table_level=3, table_prefix="raw_")
    disambiguate(result.tables)
    names = sorted(tables(result))
    assert len(names) == 2 and all(n.startswith("raw_events_log_") for n in names)


def test_single_file_target_and_unknown_files() -> None:
    result = group([entry("orders.json")], target_name="orders", single_file=True)
    assert [t.name for t in result.tables] == ["orders"]
    assert result.tables[0].location == "/t/"  # the target itself: the file
    unknown = (FileInfo("/t/x.bin", ("x.bin",), 3), FileSchema("UNKNOWN", error="not recognized"))
    assert group([unknown]).tables == []


def test_percent_encoded_partition_values_are_decoded() -> None:
    (table,) = group(
        [entry("city=New%20York/f.json"), entry("city=Paris/f.json")], target_name="c"
    ).tables
    assert {p.values for p in table.partitions} == {("New York",), ("Paris",)}
