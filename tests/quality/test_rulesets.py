"""Rulesets as catalog objects attached to tables (SQLite and PostgreSQL), and the bad input they
refuse without changing anything."""

from __future__ import annotations

from typing import Any

import pytest

from glue_magics.catalog import Catalog
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError, InvalidInputError
from glue_magics.quality import DQDLError, save_ruleset, to_gx_suite

RULES = 'Rules = [ IsComplete "id", RowCount > 0 ]'


@pytest.fixture
def orders(catalog: Catalog) -> Catalog:
    catalog.create_database("sales")
    catalog.create_table("sales", "orders", columns=[{"name": "id", "type": "bigint"}])
    return catalog


def test_save_get_list_delete(orders: Catalog) -> None:
    saved = orders.save_ruleset("orders_basic", RULES, target="Sales.Orders", description="basic")
    assert (saved.name, saved.target, saved.dqdl, saved.description) == (
        "orders_basic",
        "sales.orders",
        RULES,
        "basic",
    )
    assert saved.created_at is not None and saved.created_at == saved.updated_at
    assert orders.get_ruleset("orders_basic") == saved
    orders.save_ruleset("loose", RULES)
    assert [r.name for r in orders.list_rulesets()] == ["loose", "orders_basic"]
    assert [r.name for r in orders.list_rulesets("sales.orders")] == ["orders_basic"]
    orders.delete_ruleset("loose")
    assert [r.name for r in orders.list_rulesets()] == ["orders_basic"]
    with pytest.raises(EntityNotFoundError, match="ruleset 'loose' not found"):
        orders.get_ruleset("loose")


def test_replacing_needs_overwrite(orders: Catalog) -> None:
    first = orders.save_ruleset("r", RULES, target="sales.orders")
    with pytest.raises(AlreadyExistsError, match="exists already"):
        orders.save_ruleset("r", "Rules = [ RowCount > 1 ]")
    second = orders.save_ruleset("r", "Rules = [ RowCount > 1 ]", overwrite=True)
    assert second.dqdl == "Rules = [ RowCount > 1 ]" and second.target is None
    assert second.created_at == first.created_at and second.updated_at >= first.updated_at  # type: ignore[operator]


def test_a_ruleset_keeps_its_gx_suite(orders: Catalog) -> None:
    saved = save_ruleset(orders, "with_gx", RULES, target="sales.orders")
    assert saved.gx_suite == to_gx_suite(RULES, "with_gx")
    assert [e["type"] for e in saved.gx_suite["expectations"]] == [
        "expect_column_values_to_not_be_null",
        "expect_table_row_count_to_be_between",
    ]
    suite_only = save_ruleset(orders, "gx_only", '{"name": "s", "expectations": []}')
    assert suite_only.dqdl is None and suite_only.gx_suite == {"name": "s", "expectations": []}


def unchanged(catalog: Catalog) -> Any:
    return catalog.change_seq(), catalog.list_rulesets()


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda c: c.save_ruleset("x", "Rules = [ Foo ]"),
            DQDLError,
            "Rule Type: Foo is not valid",
        ),
        (lambda c: c.save_ruleset("x", ""), InvalidInputError, "ruleset must not be empty"),
        (lambda c: c.save_ruleset("x"), InvalidInputError, "needs DQDL text or a GX suite"),
        (lambda c: c.save_ruleset("", RULES), InvalidInputError, "ruleset name must not be empty"),
        (lambda c: c.save_ruleset(" x", RULES), InvalidInputError, "one line without outer spaces"),
        (lambda c: c.save_ruleset("a\nb", RULES), InvalidInputError, "one line"),
        (lambda c: c.save_ruleset("x" * 256, RULES), InvalidInputError, "at most 255"),
        (lambda c: c.save_ruleset(5, RULES), InvalidInputError, "must be a string"),
        (lambda c: c.save_ruleset("x", 5), InvalidInputError, "ruleset must be a string"),
        (lambda c: c.save_ruleset("x", RULES + "\x00"), InvalidInputError, "NUL"),
        (
            lambda c: c.save_ruleset("x", RULES, target="orders"),
            InvalidInputError,
            "DATABASE.TABLE",
        ),
        (
            lambda c: c.save_ruleset("x", RULES, target="sales.nope"),
            EntityNotFoundError,
            "table sales.nope not found",
        ),
        (
            lambda c: c.save_ruleset("x", RULES, target="nope.orders"),
            EntityNotFoundError,
            "database 'nope' not found",
        ),
        (
            lambda c: c.save_ruleset("x", gx_suite={"name": "s"}),
            InvalidInputError,
            '"expectations" list',
        ),
        (
            lambda c: c.save_ruleset("x", gx_suite={"expectations": [float("nan")]}),
            InvalidInputError,
            "not plain JSON",
        ),
        (
            lambda c: c.save_ruleset("x", RULES, description="d" * 3000),
            InvalidInputError,
            "at most 2048",
        ),
        (lambda c: c.get_ruleset("nope"), EntityNotFoundError, "ruleset 'nope' not found"),
        (lambda c: c.delete_ruleset("nope"), EntityNotFoundError, "ruleset 'nope' not found"),
        (lambda c: c.list_rulesets("not a table"), InvalidInputError, "DATABASE.TABLE"),
    ],
)
def test_bad_input_changes_nothing(orders: Catalog, call: Any, error: type, message: str) -> None:
    orders.save_ruleset("keep", RULES)
    before = unchanged(orders)
    with pytest.raises(error, match=message) as info:
        call(orders)
    assert "\n" not in str(info.value)
    assert unchanged(orders) == before


def test_rulesets_survive_reopening(catalog_url: str, glue_home: Any, orders: Catalog) -> None:
    orders.save_ruleset("r", RULES, target="sales.orders")
    orders.close()
    with Catalog(catalog_url, home=glue_home) as again:
        assert again.get_ruleset("r").dqdl == RULES


def test_recommendations_from_catalog_statistics(catalog: Catalog) -> None:
    """With statistics and a record count in the catalog, no data is read (no Spark)."""
    from glue_magics.catalog import ColumnStatistics
    from glue_magics.quality import parse, recommend

    catalog.create_database("sales")
    catalog.create_table(
        "sales",
        "orders",
        columns=[
            {"name": "id", "type": "bigint"},
            {"name": "price", "type": "double"},
            {"name": "note", "type": "string"},
        ],
        parameters={"recordCount": "100"},
    )
    catalog.update_column_statistics(
        "sales",
        "orders",
        [
            ColumnStatistics(
                "id",
                "bigint",
                {
                    "Type": "LONG",
                    "LongColumnStatisticsData": {
                        "NumberOfNulls": 0,
                        "NumberOfDistinctValues": 100,
                        "MinimumValue": 1,
                        "MaximumValue": 100,
                    },
                },
            ),
            ColumnStatistics(
                "price",
                "double",
                {
                    "Type": "DOUBLE",
                    "DoubleColumnStatisticsData": {
                        "NumberOfNulls": 10,
                        "NumberOfDistinctValues": 50,
                        "MinimumValue": 0.5,
                        "MaximumValue": 10.5,
                    },
                },
            ),
            ColumnStatistics(
                "note",
                "string",
                {
                    "Type": "STRING",
                    "StringColumnStatisticsData": {
                        "NumberOfNulls": 100,
                        "NumberOfDistinctValues": 0,
                        "MaximumLength": 0,
                        "AverageLength": 0.0,
                    },
                },
            ),
        ],
    )
    text = recommend(catalog, "sales.orders")
    assert (
        text.splitlines()[0] == "# Recommended for sales.orders from 100 row(s); review before use."
    )
    rules = [r.text for r in parse(text).rules]
    assert rules == [
        "RowCount between 80 and 121",
        "ColumnCount = 3",
        'IsComplete "id"',
        'IsUnique "id"',
        'ColumnValues "id" between 0 and 101',
        'Completeness "price" >= 0.81',
        'ColumnValues "price" between 0.4 and 10.6 with threshold >= 0.9',
    ]
