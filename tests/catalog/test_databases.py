"""Databases: create, read, list, update, delete (with everything in them)."""

from __future__ import annotations

import pytest

from glue_magics.catalog import Catalog, ColumnStatistics
from glue_magics.errors import EntityNotFoundError

from .helpers import TableMaker, snapshot


def test_create_and_get_database(catalog: Catalog) -> None:
    created = catalog.create_database(
        "Sales",
        description="Sales data",
        location_uri="s3://bucket/sales",
        parameters={"owner": "bi"},
    )

    assert created.name == "sales"
    assert (created.description, created.location_uri, created.parameters) == (
        "Sales data",
        "s3://bucket/sales",
        {"owner": "bi"},
    )
    assert created.created_at is not None and created.created_at.tzinfo is not None
    assert catalog.get_database("SALES") == created


def test_list_databases_in_name_order(catalog: Catalog) -> None:
    for name in ("zeta", "Alpha", "mid"):
        catalog.create_database(name)

    assert [d.name for d in catalog.list_databases()] == ["alpha", "mid", "zeta"]


def test_create_if_not_exists_returns_the_existing_database(catalog: Catalog) -> None:
    first = catalog.create_database("sales", description="first")
    before = snapshot(catalog)

    again = catalog.create_database("Sales", description="second", if_not_exists=True)

    assert again == first
    assert catalog.get_database("sales").description == "first"
    assert snapshot(catalog)["databases"] == before["databases"]


def test_update_database_changes_only_the_given_fields(catalog: Catalog) -> None:
    catalog.create_database(
        "sales", description="old", location_uri="s3://old", parameters={"a": "1"}
    )

    updated = catalog.update_database("SALES", description="new", parameters={"b": "2"})

    assert (updated.description, updated.location_uri, updated.parameters) == (
        "new",
        "s3://old",
        {"b": "2"},
    )
    assert catalog.get_database("sales") == updated
    cleared = catalog.update_database("sales", description=None, location_uri="s3://new")
    assert (cleared.description, cleared.location_uri, cleared.parameters) == (
        None,
        "s3://new",
        {"b": "2"},
    )


def test_delete_database_removes_its_tables_partitions_versions_and_statistics(
    catalog: Catalog, make_table: TableMaker
) -> None:
    make_table("keep", database="other", partitions=[["2024"]])
    baseline = snapshot(catalog)
    make_table("orders", partitions=[["2023"], ["2024"]])
    make_table("customers", keys=())
    catalog.update_table("sales", "orders", description="v2")
    catalog.update_column_statistics(
        "sales",
        "orders",
        [
            ColumnStatistics(
                "id",
                "bigint",
                {
                    "Type": "LONG",
                    "LongColumnStatisticsData": {"NumberOfNulls": 0, "NumberOfDistinctValues": 2},
                },
            )
        ],
    )

    catalog.delete_database("Sales")

    after = snapshot(catalog)
    for store_table in ("tables", "table_versions", "partitions", "column_statistics"):
        assert after[store_table] == baseline[store_table], store_table
    assert [d.name for d in catalog.list_databases()] == ["other"]
    assert catalog.count_partitions("other", "keep") == 1
    with pytest.raises(EntityNotFoundError, match="sales"):
        catalog.get_table("sales", "orders")
    catalog.create_database("sales")
    assert catalog.list_tables("sales") == []
