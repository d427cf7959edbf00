"""Column statistics in Glue's StatisticsData shapes."""

from __future__ import annotations

import base64
from datetime import datetime, timezone
from functools import partial
from typing import Any

import pytest

from glue_magics.catalog import Catalog, ColumnStatistics
from glue_magics.errors import EntityNotFoundError, InvalidInputError

from .helpers import TableMaker, refused, refused_by_each

COLUMNS = (
    "id bigint",
    "qty int",
    "price double",
    "amount decimal(10,2)",
    "name string",
    "code varchar(8)",
    "active boolean",
    "day date",
    "blob binary",
    "seen timestamp",
    "tags array<string>",
)
GOOD: dict[str, dict[str, Any]] = {
    "id": {
        "Type": "LONG",
        "LongColumnStatisticsData": {
            "MinimumValue": 1,
            "MaximumValue": 99,
            "NumberOfNulls": 0,
            "NumberOfDistinctValues": 99,
        },
    },
    "qty": {
        "Type": "LONG",
        "LongColumnStatisticsData": {"NumberOfNulls": 3, "NumberOfDistinctValues": 7},
    },
    "price": {
        "Type": "DOUBLE",
        "DoubleColumnStatisticsData": {
            "MinimumValue": 0.5,
            "MaximumValue": 10.25,
            "NumberOfNulls": 0,
            "NumberOfDistinctValues": 12,
        },
    },
    "amount": {
        "Type": "DECIMAL",
        "DecimalColumnStatisticsData": {"NumberOfNulls": 1, "NumberOfDistinctValues": 5},
    },
    "name": {
        "Type": "STRING",
        "StringColumnStatisticsData": {
            "MaximumLength": 20,
            "AverageLength": 7.5,
            "NumberOfNulls": 0,
            "NumberOfDistinctValues": 40,
        },
    },
    "code": {
        "Type": "STRING",
        "StringColumnStatisticsData": {
            "MaximumLength": 8,
            "AverageLength": 8,
            "NumberOfNulls": 0,
            "NumberOfDistinctValues": 2,
        },
    },
    "active": {
        "Type": "BOOLEAN",
        "BooleanColumnStatisticsData": {
            "NumberOfTrues": 5,
            "NumberOfFalses": 4,
            "NumberOfNulls": 1,
        },
    },
    "day": {
        "Type": "DATE",
        "DateColumnStatisticsData": {"NumberOfNulls": 0, "NumberOfDistinctValues": 31},
    },
    "blob": {
        "Type": "BINARY",
        "BinaryColumnStatisticsData": {
            "MaximumLength": 1024,
            "AverageLength": 100.5,
            "NumberOfNulls": 2,
        },
    },
    "year": {
        "Type": "STRING",
        "StringColumnStatisticsData": {
            "MaximumLength": 4,
            "AverageLength": 4,
            "NumberOfNulls": 0,
            "NumberOfDistinctValues": 2,
        },
    },
}


@pytest.fixture
def orders(make_table: TableMaker) -> None:
    make_table("orders", columns=COLUMNS)


def stat(column: str, data: Any, hive_type: str = "") -> ColumnStatistics:
    return ColumnStatistics(column, hive_type, data)


def test_statistics_of_every_glue_type_round_trip(catalog: Catalog, orders: None) -> None:
    catalog.update_column_statistics(
        "SALES", "Orders", [stat(name.upper(), data) for name, data in GOOD.items()]
    )

    stored = catalog.get_column_statistics("sales", "orders")

    assert {s.column_name: s.data for s in stored} == GOOD
    assert [s.column_name for s in stored] == sorted(GOOD)
    types = {s.column_name: s.column_type for s in stored}
    assert (types["id"], types["amount"], types["year"]) == ("bigint", "decimal(10,2)", "string")
    assert all(s.analyzed_at is not None and s.analyzed_at.tzinfo is not None for s in stored)


def test_statistics_replace_earlier_ones_and_can_be_read_per_column(
    catalog: Catalog, orders: None
) -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    catalog.update_column_statistics(
        "sales", "orders", [stat("id", GOOD["id"]), stat("qty", GOOD["qty"])]
    )
    newer = {
        "Type": "LONG",
        "LongColumnStatisticsData": {"NumberOfNulls": 9, "NumberOfDistinctValues": 1},
    }

    catalog.update_column_statistics(
        "sales", "orders", [ColumnStatistics("id", "bigint", newer, analyzed_at=when)]
    )

    (only,) = catalog.get_column_statistics("sales", "orders", ["ID"])
    assert (only.data, only.analyzed_at) == (newer, when)
    assert len(catalog.get_column_statistics("sales", "orders")) == 2
    assert catalog.get_column_statistics("sales", "orders", []) == []


def test_delete_column_statistics(catalog: Catalog, orders: None) -> None:
    catalog.update_column_statistics(
        "sales", "orders", [stat("id", GOOD["id"]), stat("qty", GOOD["qty"])]
    )

    catalog.delete_column_statistics("sales", "orders", "ID")

    assert [s.column_name for s in catalog.get_column_statistics("sales", "orders")] == ["qty"]
    with refused(catalog, EntityNotFoundError, match="no statistics"):
        catalog.delete_column_statistics("sales", "orders", "id")


BAD_SHAPES: list[tuple[str, Any]] = [
    (
        "id",
        {
            "Type": "DOUBLE",
            "DoubleColumnStatisticsData": GOOD["price"]["DoubleColumnStatisticsData"],
        },
    ),
    ("id", {"LongColumnStatisticsData": GOOD["id"]["LongColumnStatisticsData"]}),
    ("id", {"Type": "LONG"}),
    ("id", {"Type": "LONG", "LongColumnStatisticsData": [1, 2]}),
    ("id", {"Type": "LONG", "LongColumnStatisticsData": {"NumberOfNulls": 0}}),
    (
        "id",
        {
            "Type": "LONG",
            "LongColumnStatisticsData": {"NumberOfNulls": -1, "NumberOfDistinctValues": 1},
        },
    ),
    (
        "id",
        {
            "Type": "LONG",
            "LongColumnStatisticsData": {"NumberOfNulls": "0", "NumberOfDistinctValues": 1},
        },
    ),
    (
        "id",
        {
            "Type": "LONG",
            "LongColumnStatisticsData": {"NumberOfNulls": True, "NumberOfDistinctValues": 1},
        },
    ),
    ("id", "LONG"),
    ("id", None),
    (
        "active",
        {
            "Type": "BOOLEAN",
            "BooleanColumnStatisticsData": {"NumberOfTrues": 1, "NumberOfNulls": 0},
        },
    ),
    (
        "name",
        {
            "Type": "STRING",
            "StringColumnStatisticsData": {
                "MaximumLength": 1,
                "AverageLength": 1,
                "NumberOfNulls": 0,
            },
        },
    ),
    (
        "name",
        {
            "Type": "string",
            "StringColumnStatisticsData": GOOD["name"]["StringColumnStatisticsData"],
        },
    ),
    (
        "blob",
        {
            "Type": "BINARY",
            "BinaryColumnStatisticsData": {
                "MaximumLength": 1,
                "AverageLength": -2.0,
                "NumberOfNulls": 0,
            },
        },
    ),
    (
        "seen",
        {
            "Type": "DATE",
            "DateColumnStatisticsData": {"NumberOfNulls": 0, "NumberOfDistinctValues": 1},
        },
    ),
    (
        "tags",
        {
            "Type": "STRING",
            "StringColumnStatisticsData": GOOD["name"]["StringColumnStatisticsData"],
        },
    ),
]


@pytest.mark.parametrize(("column", "data"), BAD_SHAPES)
def test_a_bad_statistics_shape_is_refused(
    catalog: Catalog, orders: None, column: str, data: Any
) -> None:
    batch = [stat("qty", GOOD["qty"]), stat(column, data)]

    with refused(catalog, InvalidInputError):
        catalog.update_column_statistics("sales", "orders", batch)

    assert catalog.get_column_statistics("sales", "orders") == []


def test_statistics_for_an_unknown_column_are_refused(catalog: Catalog, orders: None) -> None:
    with refused(catalog, EntityNotFoundError, match="no column"):
        catalog.update_column_statistics(
            "sales", "orders", [stat("qty", GOOD["qty"]), stat("nope", GOOD["qty"])]
        )


# Glue's own shapes that the store refuses: MinimumValue/MaximumValue hold the column's values.
GLUE_VALUE_SHAPES: list[tuple[str, dict[str, Any]]] = [
    (
        "id",
        {
            "Type": "LONG",
            "LongColumnStatisticsData": {
                "MinimumValue": -10,
                "MaximumValue": -1,
                "NumberOfNulls": 0,
                "NumberOfDistinctValues": 3,
            },
        },
    ),
    (
        "price",
        {
            "Type": "DOUBLE",
            "DoubleColumnStatisticsData": {
                "MinimumValue": -5.5,
                "MaximumValue": -0.5,
                "NumberOfNulls": 0,
                "NumberOfDistinctValues": 3,
            },
        },
    ),
    (
        "day",
        {
            "Type": "DATE",
            "DateColumnStatisticsData": {
                "MinimumValue": "2024-01-01",
                "MaximumValue": "2024-12-31",
                "NumberOfNulls": 0,
                "NumberOfDistinctValues": 3,
            },
        },
    ),
    (
        "amount",
        {
            "Type": "DECIMAL",
            "DecimalColumnStatisticsData": {
                "MinimumValue": {"UnscaledValue": "AQ==", "Scale": 2},
                "MaximumValue": {"UnscaledValue": "Ag==", "Scale": 2},
                "NumberOfNulls": 0,
                "NumberOfDistinctValues": 3,
            },
        },
    ),
]


@pytest.mark.parametrize(
    ("column", "data"), GLUE_VALUE_SHAPES, ids=["long", "double", "date", "decimal"]
)
def test_maximum_value_takes_the_columns_values(
    catalog: Catalog, orders: None, column: str, data: dict[str, Any]
) -> None:
    catalog.update_column_statistics("sales", "orders", [stat(column, data)])

    assert catalog.get_column_statistics("sales", "orders")[0].data == data


def long_stats(low: Any, high: Any) -> dict[str, Any]:
    return {
        "Type": "LONG",
        "LongColumnStatisticsData": {
            "MinimumValue": low,
            "MaximumValue": high,
            "NumberOfNulls": 0,
            "NumberOfDistinctValues": 2,
        },
    }


def with_values(kind: str, low: Any, high: Any) -> dict[str, Any]:
    key = f"{kind.capitalize()}ColumnStatisticsData"
    body = {"NumberOfNulls": 0, "NumberOfDistinctValues": 2, "MinimumValue": low}
    if high is not None:
        body["MaximumValue"] = high
    return {"Type": kind, key: body}


def decimal(unscaled: int, scale: int) -> dict[str, Any]:
    raw = unscaled.to_bytes(max(1, (unscaled.bit_length() + 8) // 8), "big", signed=True)
    return {"UnscaledValue": base64.b64encode(raw).decode(), "Scale": scale}


BAD_VALUES: list[tuple[str, dict[str, Any]]] = [
    ("id", long_stats(5, 1)),
    ("id", long_stats("1", 2)),
    ("id", long_stats(1.5, 2)),
    ("id", long_stats(True, 2)),
    ("id", long_stats(0, 2**63)),
    ("id", long_stats(None, 2)),
    ("price", with_values("DOUBLE", 1.0, -1.0)),
    ("price", with_values("DOUBLE", float("nan"), 1.0)),
    ("price", with_values("DOUBLE", 0.0, float("inf"))),
    ("price", with_values("DOUBLE", "0.5", None)),
    ("day", with_values("DATE", "2024-12-31", "2024-01-01")),
    ("day", with_values("DATE", "2024-02-30", None)),
    ("day", with_values("DATE", "20240101", None)),
    ("day", with_values("DATE", 20240101, None)),
    ("day", with_values("DATE", "2024-01-01T00:00:00", None)),
    ("amount", with_values("DECIMAL", decimal(300, 2), decimal(2, 0))),
    ("amount", with_values("DECIMAL", 1.5, None)),
    ("amount", with_values("DECIMAL", {"UnscaledValue": "AQ=="}, None)),
    ("amount", with_values("DECIMAL", {"UnscaledValue": "not base64!", "Scale": 2}, None)),
    ("amount", with_values("DECIMAL", {"UnscaledValue": "", "Scale": 2}, None)),
    ("amount", with_values("DECIMAL", {"UnscaledValue": "AQ==", "Scale": "2"}, None)),
    ("amount", with_values("DECIMAL", {"UnscaledValue": b"\x01", "Scale": 2}, None)),
    (
        "name",
        {
            "Type": "STRING",
            "StringColumnStatisticsData": {
                **GOOD["name"]["StringColumnStatisticsData"],
                "MaximumValue": "zzz",
            },
        },
    ),
    (
        "qty",
        {
            "Type": "LONG",
            "LongColumnStatisticsData": {"NumberOfNulls": 0, "NumberOfDistinctValue": 1},
        },
    ),
    (
        "qty",
        {
            "Type": "LONG",
            "LongColumnStatisticsData": {
                "NumberOfNulls": float("nan"),
                "NumberOfDistinctValues": 1,
            },
        },
    ),
]


def test_bad_minimum_and_maximum_values_are_refused(catalog: Catalog, orders: None) -> None:
    calls = {
        f"{i}: {column} {data!r}": partial(
            catalog.update_column_statistics, "sales", "orders", [stat(column, data)]
        )
        for i, (column, data) in enumerate(BAD_VALUES)
    }
    refused_by_each(catalog, InvalidInputError, calls, match="for '")


GOOD_VALUES: list[tuple[str, dict[str, Any]]] = [
    ("id", long_stats(-(2**63), 2**63 - 1)),
    ("id", long_stats(7, 7)),
    ("price", with_values("DOUBLE", -3, 2.5)),
    ("day", with_values("DATE", "2024-02-29", "2024-02-29")),
    ("amount", with_values("DECIMAL", decimal(-150, 2), decimal(2, 0))),
    ("amount", with_values("DECIMAL", decimal(199, 2), decimal(2, 0))),
    ("amount", with_values("DECIMAL", decimal(5, 0), None)),
]


def test_minimum_and_maximum_values_within_range_are_kept(catalog: Catalog, orders: None) -> None:
    for column, data in GOOD_VALUES:
        catalog.update_column_statistics("sales", "orders", [stat(column, data)])

        (stored,) = catalog.get_column_statistics("sales", "orders", [column])
        assert stored.data == data
