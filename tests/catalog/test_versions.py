"""Table versions: archived on every change, listed, read, compared and restored."""

from __future__ import annotations

import pytest

from glue_magics.catalog import Catalog, Column
from glue_magics.catalog.objects import FieldChange
from glue_magics.errors import ConcurrentModificationError, InvalidInputError

from .helpers import TableMaker, refused

V1_COLUMNS = ("id bigint", "amount double", "note string")


@pytest.fixture
def orders(make_table: TableMaker) -> None:
    """sales.orders at version 1: three columns, description "v1", at s3://b/orders."""
    make_table("orders", columns=V1_COLUMNS, description="v1", location="s3://b/orders")


def change_columns(catalog: Catalog) -> None:
    catalog.update_table(
        "sales",
        "orders",
        columns=[
            Column("id", "bigint"),
            Column("amount", "decimal(10,2)"),
            Column("customer", "string", "who ordered"),
        ],
        location="s3://b/orders_v2",
        parameters={"p": "1"},
    )


def test_every_update_archives_the_previous_version(catalog: Catalog, orders: None) -> None:
    v1 = catalog.get_table("sales", "orders")
    change_columns(catalog)
    catalog.update_table("sales", "orders", description="v3")

    versions = catalog.list_table_versions("sales", "Orders")

    assert [v.version for v in versions] == [3, 2, 1]
    assert versions[0].definition == catalog.get_table("sales", "orders").definition
    assert versions[-1].definition == v1.definition
    assert catalog.get_table_version("SALES", "orders", 1) == versions[-1]
    assert catalog.get_table_version("sales", "orders", 2).definition.location == (
        "s3://b/orders_v2"
    )
    assert {(v.database, v.table) for v in versions} == {("sales", "orders")}


def test_diff_lists_added_removed_and_changed_columns_and_fields(
    catalog: Catalog, orders: None
) -> None:
    change_columns(catalog)

    diff = catalog.diff_table_versions("sales", "orders", 1, 2)

    assert (diff.database, diff.table, diff.old_version, diff.new_version) == (
        "sales",
        "orders",
        1,
        2,
    )
    assert diff.added_columns == [Column("customer", "string", "who ordered")]
    assert diff.removed_columns == [Column("note", "string")]
    assert diff.changed_columns == [(Column("amount", "double"), Column("amount", "decimal(10,2)"))]
    assert diff.changed_fields == [
        FieldChange("location", "s3://b/orders", "s3://b/orders_v2"),
        FieldChange("parameters", {}, {"p": "1"}),
    ]
    assert not diff.is_empty
    assert catalog.diff_table_versions("sales", "orders", 2, 2).is_empty


def test_restore_makes_an_old_definition_current_as_a_new_version(
    catalog: Catalog, orders: None
) -> None:
    v1 = catalog.get_table("sales", "orders")
    change_columns(catalog)

    restored = catalog.restore_table_version("sales", "orders", 1)

    assert restored.version == 3
    assert restored.definition == v1.definition
    assert catalog.get_table("sales", "orders") == restored
    assert [v.version for v in catalog.list_table_versions("sales", "orders")] == [3, 2, 1]
    assert catalog.diff_table_versions("sales", "orders", 1, 3).is_empty
    assert catalog.search_tables("who") == []


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"description": "v1"},
        {"columns": [Column("ID", "BIGINT"), Column("amount", "double"), Column("note", "string")]},
        {"parameters": {}},
    ],
    ids=["nothing", "same-description", "same-columns-other-spelling", "same-parameters"],
)
def test_an_update_that_changes_nothing_creates_no_version(
    catalog: Catalog, orders: None, changes: dict[str, object]
) -> None:
    before = catalog.get_table("sales", "orders")

    after = catalog.update_table("sales", "orders", **changes)

    assert after == before
    assert len(catalog.list_table_versions("sales", "orders")) == 1


def test_restoring_the_current_version_creates_no_version(catalog: Catalog, orders: None) -> None:
    change_columns(catalog)

    assert catalog.restore_table_version("sales", "orders", 2).version == 2
    assert len(catalog.list_table_versions("sales", "orders")) == 2


def test_expected_version_guards_the_update(catalog: Catalog, orders: None) -> None:
    ok = catalog.update_table("sales", "orders", description="second", expected_version=1)
    assert ok.version == 2

    with refused(catalog, ConcurrentModificationError, match="version 2"):
        catalog.update_table("sales", "orders", description="lost", expected_version=1)
    with refused(catalog, ConcurrentModificationError):
        catalog.restore_table_version("sales", "orders", 1, expected_version=1)

    assert catalog.get_table("sales", "orders").description == "second"
    restored = catalog.restore_table_version("sales", "orders", 1, expected_version=2)
    assert (restored.version, restored.description) == (3, "v1")


def test_changing_partition_keys_is_refused_while_the_table_has_partitions(
    catalog: Catalog, make_table: TableMaker
) -> None:
    make_table("orders", keys=("year string",), partitions=[["2024"]])

    with refused(catalog, InvalidInputError, match="partition"):
        catalog.update_table(
            "sales", "orders", partition_keys=[Column("year", "string"), Column("m", "int")]
        )

    catalog.batch_delete_partitions("sales", "orders", [["2024"]])
    changed = catalog.update_table("sales", "orders", partition_keys=[Column("y", "string")])
    assert (changed.version, changed.partition_keys) == (2, (Column("y", "string"),))
    catalog.batch_create_partitions("sales", "orders", [["2025"]])
    with refused(catalog, InvalidInputError, match="partition keys"):
        catalog.restore_table_version("sales", "orders", 1)


@pytest.mark.parametrize("expected", ["1", 1.5, True])
def test_a_non_integer_expected_version_is_invalid_input(
    catalog: Catalog, orders: None, expected: object
) -> None:
    with refused(catalog, InvalidInputError, match="version"):
        catalog.update_table("sales", "orders", description="x", expected_version=expected)


@pytest.mark.parametrize("expected", ["1", 1.5, True])
def test_restore_refuses_a_non_integer_expected_version(
    catalog: Catalog, orders: None, expected: object
) -> None:
    catalog.update_table("sales", "orders", description="v2")

    with refused(catalog, InvalidInputError, match="version"):
        catalog.restore_table_version("sales", "orders", 1, expected_version=expected)  # type: ignore[arg-type]
