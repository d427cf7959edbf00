"""Tables: create, read, list with Glue patterns, update, delete; names, types and locations."""

from __future__ import annotations

from pathlib import Path

import pytest

from glue_magics.catalog import Catalog, Column
from glue_magics.errors import EntityNotFoundError

from .helpers import TableMaker, snapshot


def test_create_table_normalizes_names_and_types(catalog: Catalog) -> None:
    catalog.create_database("Sales")

    table = catalog.create_table(
        "SALES",
        "Orders",
        columns=[
            Column("ID", "BIGINT", "order key"),
            {"name": "Amount", "type": "Decimal(10, 2)"},
            {"name": "tags", "type": "ARRAY<STRUCT<Name:STRING,n:INTEGER>>", "comment": ""},
        ],
        partition_keys=[Column("Year", "integer")],
        table_type="managed_table",
        classification="PARQUET",
    )

    assert (table.database, table.name, table.qualified_name) == ("sales", "orders", "sales.orders")
    assert table.version == 1
    assert table.columns == (
        Column("id", "bigint", "order key"),
        Column("amount", "decimal(10,2)"),
        Column("tags", "array<struct<name:string,n:int>>"),
    )
    assert table.partition_keys == (Column("year", "int"),)
    assert (table.table_type, table.classification) == ("MANAGED_TABLE", "parquet")
    assert table.created_at is not None and table.created_at.tzinfo is not None
    assert catalog.get_table("sales", "ORDERS") == table


def test_default_location_is_in_the_warehouse(catalog: Catalog, glue_home: Path) -> None:
    catalog.create_database("sales")

    table = catalog.create_table("sales", "orders", columns=[Column("id", "int")])

    assert table.location == str(glue_home / "warehouse" / "sales" / "orders")


@pytest.mark.parametrize("location_uri", ["s3://bucket/sales", "s3://bucket/sales/"])
def test_default_location_is_under_the_database_location(
    catalog: Catalog, location_uri: str
) -> None:
    catalog.create_database("sales", location_uri=location_uri)

    table = catalog.create_table("sales", "Orders", columns=[Column("id", "int")])

    assert table.location == "s3://bucket/sales/orders"


def test_explicit_location_is_kept_and_views_have_none(catalog: Catalog) -> None:
    catalog.create_database("sales", location_uri="s3://bucket/sales")

    table = catalog.create_table("sales", "orders", location="file:///data/orders")
    view = catalog.create_table("sales", "recent", table_type="VIRTUAL_VIEW")

    assert table.location == "file:///data/orders"
    assert view.location is None


def test_list_tables_in_name_order(catalog: Catalog, make_table: TableMaker) -> None:
    for name in ("orders", "Customers", "returns"):
        make_table(name)

    assert [t.name for t in catalog.list_tables("SALES")] == ["customers", "orders", "returns"]
    assert catalog.list_tables("sales")[1] == catalog.get_table("sales", "orders")


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("ord*", ["order_items", "orders", "orders_2024"]),
        ("ORD*", ["order_items", "orders", "orders_2024"]),
        ("orders", ["orders"]),
        ("orders|customers", ["customers", "orders"]),
        ("cust.*|ret*", ["customers", "returns"]),
        (r"orders_\d+", ["orders_2024"]),
        ("*s", ["customers", "order_items", "orders", "returns"]),
        ("*", ["customers", "order_items", "orders", "orders_2024", "returns"]),
        ("rders", []),
        ("x*", []),
    ],
)
def test_list_tables_with_a_glue_pattern(
    catalog: Catalog, make_table: TableMaker, pattern: str, expected: list[str]
) -> None:
    for name in ("orders", "orders_2024", "order_items", "customers", "returns"):
        make_table(name)

    assert [t.name for t in catalog.list_tables("sales", pattern)] == expected


def test_update_table_changes_the_definition(catalog: Catalog, make_table: TableMaker) -> None:
    make_table("orders")

    updated = catalog.update_table(
        "Sales",
        "Orders",
        columns=[*catalog.get_table("sales", "orders").columns, {"name": "Note", "type": "STRING"}],
        parameters={"k": "v"},
        description="all orders",
    )

    assert updated.version == 2
    assert updated.columns[-1] == Column("note", "string")
    assert (updated.parameters, updated.description) == ({"k": "v"}, "all orders")
    assert catalog.get_table("sales", "orders") == updated


def test_delete_table_removes_its_partitions_and_versions(
    catalog: Catalog, make_table: TableMaker
) -> None:
    make_table("keep", partitions=[["2024"]])
    baseline = snapshot(catalog)
    make_table("orders", partitions=[["2023"], ["2024"]])
    catalog.update_table("sales", "orders", description="v2")

    catalog.delete_table("sales", "ORDERS")

    after = snapshot(catalog)
    for store_table in ("tables", "table_versions", "partitions"):
        assert after[store_table] == baseline[store_table], store_table
    assert [t.name for t in catalog.list_tables("sales")] == ["keep"]
    with pytest.raises(EntityNotFoundError):
        catalog.get_table("sales", "orders")
    recreated = make_table("orders")
    assert recreated.version == 1
    assert catalog.count_partitions("sales", "orders") == 0
