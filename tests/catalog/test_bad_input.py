"""Bad input, one test per kind: the right error, a one-line message, and nothing changed."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from glue_magics.catalog import Catalog, Column, Partition
from glue_magics.catalog.models import MAX_PARTITION_KEYS
from glue_magics.errors import AlreadyExistsError, EntityNotFoundError, InvalidInputError

from .helpers import TableMaker, cols, refused, refused_by_each

Call = Callable[[Catalog], Any]


@pytest.fixture(autouse=True)
def existing(make_table: TableMaker, catalog: Catalog) -> None:
    """sales.orders (year string, month int, day date) with two partitions and two versions,
    and an unpartitioned sales.customers: something that a refused call must leave alone."""
    make_table(
        "orders",
        keys=("year string", "month int", "day date"),
        partitions=[["2024", "1", "2024-01-01"], ["2024", "2", "2024-02-01"]],
    )
    make_table("customers", keys=())
    catalog.update_table("sales", "orders", description="second version")


BAD_NAMES = [
    "",
    "   ",
    "two words",
    "sales.orders",
    "x" * 256,
    "naïve",
    "semi;colon",
    "tab\there",
    42,
    None,
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=repr)
def test_invalid_name(catalog: Catalog, name: Any) -> None:
    calls = {
        "database": lambda: catalog.create_database(name),
        "table": lambda: catalog.create_table("sales", name),
        "table-in-database": lambda: catalog.create_table(name, "orders"),
        "connection": lambda: catalog.create_connection(name, "jdbc:postgresql://h/db"),
    }
    refused_by_each(catalog, InvalidInputError, calls, match="name")


@pytest.mark.parametrize("name", ["", "   ", "line\nbreak", "x" * 256, 5, None], ids=repr)
def test_invalid_column_name(catalog: Catalog, name: Any) -> None:
    with refused(catalog, InvalidInputError, match="column name"):
        catalog.create_table("sales", "new", columns=[Column(name, "int")])


BAD_TYPES = [
    "bigint<",
    "foo",
    "decimal(40,2)",
    "decimal(5,6)",
    "decimal(0)",
    "decimal(10,-1)",
    "",
    "array<>",
    "array<int",
    "array<foo>",
    "map<string>",
    "struct<a int>",
    "struct<>",
    "varchar",
    "char(x)",
    "int int",
    "int;",
    None,
]


@pytest.mark.parametrize("hive_type", BAD_TYPES, ids=repr)
def test_invalid_hive_type(catalog: Catalog, hive_type: Any) -> None:
    calls = {
        "column": lambda: catalog.create_table("sales", "new", columns=[Column("a", hive_type)]),
        "partition-key": lambda: catalog.create_table(
            "sales", "new", partition_keys=[Column("a", hive_type)]
        ),
        "update": lambda: catalog.update_table(
            "sales", "customers", columns=[Column("a", hive_type)]
        ),
    }
    refused_by_each(catalog, InvalidInputError, calls, match="Hive type")


@pytest.mark.parametrize("hive_type", ["char(0)", "char(256)", "varchar(0)", "varchar(65536)"])
def test_char_and_varchar_lengths_are_checked(catalog: Catalog, hive_type: str) -> None:
    with refused(catalog, InvalidInputError, match="Hive type"):
        catalog.create_table("sales", "new", columns=[Column("a", hive_type)])


@pytest.mark.parametrize(
    ("columns", "keys"),
    [
        (["id int", "ID string"], []),
        ([" id int", "id int"], []),
        (["id int", "year int"], ["year string"]),
        ([], ["year string", "YEAR string"]),
    ],
    ids=["columns", "spaces", "column-and-key", "keys"],
)
def test_duplicate_column_names(catalog: Catalog, columns: list[str], keys: list[str]) -> None:
    with refused(catalog, InvalidInputError, match="twice"):
        catalog.create_table("sales", "new", columns=cols(*columns), partition_keys=cols(*keys))
    with refused(catalog, InvalidInputError, match="twice"):
        catalog.update_table(
            "sales", "customers", columns=cols(*columns), partition_keys=cols(*keys)
        )


def test_too_many_partition_keys(catalog: Catalog) -> None:
    keys = cols(*(f"k{i} string" for i in range(MAX_PARTITION_KEYS + 1)))

    with refused(catalog, InvalidInputError, match="partition keys"):
        catalog.create_table("sales", "new", partition_keys=keys)
    with refused(catalog, InvalidInputError, match="partition keys"):
        catalog.update_table("sales", "customers", partition_keys=keys)
    assert len(catalog.create_table("sales", "new", partition_keys=keys[:-1]).partition_keys) == 10


UNKNOWN: list[tuple[str, Call]] = [
    ("get-database", lambda c: c.get_database("nope")),
    ("update-database", lambda c: c.update_database("nope", description="x")),
    ("delete-database", lambda c: c.delete_database("nope")),
    ("create-table-in-unknown-database", lambda c: c.create_table("nope", "t")),
    ("get-table-unknown-database", lambda c: c.get_table("nope", "orders")),
    ("get-table", lambda c: c.get_table("sales", "nope")),
    ("list-tables", lambda c: c.list_tables("nope")),
    ("update-table", lambda c: c.update_table("sales", "nope", description="x")),
    ("delete-table", lambda c: c.delete_table("sales", "nope")),
    ("list-versions", lambda c: c.list_table_versions("sales", "nope")),
    ("get-version", lambda c: c.get_table_version("sales", "orders", 3)),
    ("get-version-0", lambda c: c.get_table_version("sales", "orders", 0)),
    ("diff-version", lambda c: c.diff_table_versions("sales", "orders", 1, 9)),
    ("restore-version", lambda c: c.restore_table_version("sales", "orders", 9)),
    ("partitions-of-unknown-table", lambda c: c.get_partitions("sales", "nope")),
    (
        "add-partitions-to-unknown-table",
        lambda c: c.batch_create_partitions("sales", "nope", [["1"]]),
    ),
    ("get-partition", lambda c: c.get_partition("sales", "orders", ["2024", "3", "2024-03-01"])),
    (
        "update-partition",
        lambda c: c.batch_update_partitions("sales", "orders", [["2024", "3", "2024-03-01"]]),
    ),
    (
        "delete-partition",
        lambda c: c.batch_delete_partitions("sales", "orders", [["2024", "3", "2024-03-01"]]),
    ),
    ("statistics-of-unknown-table", lambda c: c.get_column_statistics("sales", "nope")),
    ("delete-statistics", lambda c: c.delete_column_statistics("sales", "orders", "id")),
    ("get-connection", lambda c: c.get_connection("nope")),
    ("delete-connection", lambda c: c.delete_connection("nope")),
]


@pytest.mark.parametrize("call", [c for _, c in UNKNOWN], ids=[n for n, _ in UNKNOWN])
def test_unknown_entity(catalog: Catalog, call: Call) -> None:
    with refused(catalog, EntityNotFoundError):
        call(catalog)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.create_database("SALES"),
        lambda c: c.create_table("sales", "Orders"),
        lambda c: c.batch_create_partitions("sales", "orders", [["2024", "1", "2024-01-01"]]),
        lambda c: c.batch_create_partitions(
            "sales", "orders", [["2024", "3", "2024-03-01"], ("2024", 3, "2024-03-01")]
        ),
    ],
    ids=["database", "table", "partition", "partition-twice-in-batch"],
)
def test_already_exists(catalog: Catalog, call: Call) -> None:
    with refused(catalog, AlreadyExistsError):
        call(catalog)


@pytest.mark.parametrize(
    "values",
    [[], ["2024"], ["2024", "1"], ["2024", "1", "2024-01-01", "x"]],
    ids=["none", "one", "two", "four"],
)
def test_wrong_number_of_partition_values(catalog: Catalog, values: list[str]) -> None:
    calls = {
        "create": lambda: catalog.batch_create_partitions(
            "sales", "orders", [["2024", "3", "2024-03-01"], values]
        ),
        "update": lambda: catalog.batch_update_partitions("sales", "orders", [{"values": values}]),
        "delete": lambda: catalog.batch_delete_partitions(
            "sales", "orders", [["2024", "1", "2024-01-01"], values]
        ),
        "get": lambda: catalog.get_partition("sales", "orders", values),
    }
    refused_by_each(catalog, InvalidInputError, calls, match="expected 3 values")


@pytest.mark.parametrize(
    "partition",
    ["2024", 2024, None, {"location": "s3://x"}, {"values": "2024"}, Partition(values="2024")],
    ids=repr,
)
def test_partition_values_that_are_not_a_list(catalog: Catalog, partition: Any) -> None:
    with refused(catalog, InvalidInputError):
        catalog.batch_create_partitions("sales", "orders", [["2024", "3", "2024-03-01"], partition])


@pytest.mark.parametrize("month", ["x", "1.5", "", " ", "0x10", "one", 1.5, True, None], ids=repr)
def test_non_integer_value_for_an_integer_key(catalog: Catalog, month: Any) -> None:
    with refused(catalog, InvalidInputError, match="month"):
        catalog.batch_create_partitions(
            "sales", "orders", [["2024", "3", "2024-03-01"], ["2024", month, "2024-04-01"]]
        )


@pytest.mark.parametrize("month", ["1_000", "\u0663"], ids=["underscore", "arabic-indic-digit"])
def test_integer_key_values_are_plain_digits(catalog: Catalog, month: str) -> None:
    with refused(catalog, InvalidInputError, match="month"):
        catalog.batch_create_partitions("sales", "orders", [["2024", month, "2024-04-01"]])


def test_integer_key_values_are_digits_within_a_bigint(catalog: Catalog) -> None:
    bad: list[Any] = ["+5", "1 ", "-", "--1", "9" * 19, "-9223372036854775809", 2**63]
    calls = {
        repr(month): partial(
            catalog.batch_create_partitions, "sales", "orders", [["2024", month, "2024-04-01"]]
        )
        for month in bad
    }
    refused_by_each(catalog, InvalidInputError, calls, match="month")

    good: list[Any] = ["0", "07", "-1", "9223372036854775807", "-9223372036854775808", 12]
    catalog.batch_create_partitions("sales", "orders", [["2025", m, "2025-01-01"] for m in good])
    for month in good:
        page = catalog.get_partitions("sales", "orders", f"year = '2025' AND month = {month}")
        assert [p.values for p in page.partitions] == [("2025", str(month), "2025-01-01")], month


@pytest.mark.parametrize(
    "day", ["2024-13-01", "2024-02-30", "yesterday", "2024/01/01", "", "2024-1-1"], ids=repr
)
def test_invalid_date_for_a_date_key(catalog: Catalog, day: Any) -> None:
    with refused(catalog, InvalidInputError, match="day"):
        catalog.batch_create_partitions(
            "sales", "orders", [["2024", "3", "2024-03-01"], ["2024", "4", day]]
        )


@pytest.mark.parametrize("day", ["20240401", "2024-W14-1"])
def test_date_key_values_are_yyyy_mm_dd(catalog: Catalog, day: str) -> None:
    with refused(catalog, InvalidInputError, match="day"):
        catalog.batch_create_partitions("sales", "orders", [["2024", "4", day]])


def test_date_key_values_are_nothing_but_yyyy_mm_dd(catalog: Catalog) -> None:
    days: list[Any] = [20240401, "2024-04-01T00:00", " 2024-04-01", "\u0662024-04-01"]
    calls = {
        repr(day): partial(catalog.batch_create_partitions, "sales", "orders", [["2024", "4", day]])
        for day in days
    }
    refused_by_each(catalog, InvalidInputError, calls, match="day")


@pytest.mark.parametrize(
    "paging",
    [
        {"limit": 0},
        {"limit": -1},
        {"limit": "10"},
        {"limit": 1.5},
        {"limit": None},
        {"next_token": "abc"},
        {"next_token": "-1"},
        {"next_token": "1.5"},
        {"next_token": ""},
        {"next_token": " 1"},
    ],
    ids=repr,
)
def test_bad_limit_or_next_token(catalog: Catalog, paging: dict[str, Any]) -> None:
    with refused(catalog, InvalidInputError):
        catalog.get_partitions("sales", "orders", **paging)


@pytest.mark.parametrize(
    "paging",
    [{"limit": True}, {"next_token": "\u00b2"}, {"next_token": "9" * 30}],
    ids=["limit-true", "superscript-two", "huge-token"],
)
def test_limit_and_next_token_edge_cases(catalog: Catalog, paging: dict[str, Any]) -> None:
    with refused(catalog, InvalidInputError):
        catalog.get_partitions("sales", "orders", **paging)


def test_limit_and_next_token_out_of_range_or_of_the_wrong_type(catalog: Catalog) -> None:
    pagings: list[dict[str, Any]] = [
        {"next_token": str(2**63)},
        {"next_token": True},
        {"next_token": 1.0},
        {"limit": 2**63},
    ]
    calls = {
        repr(paging): partial(catalog.get_partitions, "sales", "orders", **paging)
        for paging in pagings
    }
    refused_by_each(catalog, InvalidInputError, calls)


def test_a_nul_character_in_a_partition_value_is_refused(catalog: Catalog) -> None:
    # PostgreSQL cannot store NUL in text; SQLite can: refused alike on both.
    with refused(catalog, InvalidInputError, match="year"):
        catalog.batch_create_partitions("sales", "orders", [["20\x0024", "4", "2024-04-01"]])


PARAMETER_CALLS: dict[str, Callable[[Catalog, Any], Any]] = {
    "database": lambda c, p: c.create_database("new", parameters=p),
    "update-database": lambda c, p: c.update_database("sales", parameters=p),
    "table": lambda c, p: c.create_table("sales", "new", parameters=p),
    "serde": lambda c, p: c.create_table("sales", "new", serde_parameters=p),
    "update-table": lambda c, p: c.update_table("sales", "orders", parameters=p),
    "update-serde": lambda c, p: c.update_table("sales", "orders", serde_parameters=p),
    "partition": lambda c, p: c.batch_create_partitions(
        "sales", "orders", [{"values": ["2024", "3", "2024-03-01"], "parameters": p}]
    ),
    "update-partition": lambda c, p: c.batch_update_partitions(
        "sales", "orders", [{"values": ["2024", "1", "2024-01-01"], "parameters": p}]
    ),
    "connection": lambda c, p: c.create_connection("new", "jdbc:postgresql://h/db", parameters=p),
}


@pytest.mark.parametrize(
    "params", [{"a": 1}, {1: "a"}, {"a": None}, {"a": True}, {"a": ["x"]}], ids=repr
)
def test_non_string_parameter_values(catalog: Catalog, params: Any) -> None:
    calls = {label: partial(call, catalog, params) for label, call in PARAMETER_CALLS.items()}
    refused_by_each(catalog, InvalidInputError, calls, match="parameters")


@pytest.mark.parametrize("label", list(PARAMETER_CALLS))
def test_parameters_that_are_not_a_mapping(catalog: Catalog, label: str) -> None:
    call = PARAMETER_CALLS[label]
    calls = {repr(params): partial(call, catalog, params) for params in (["a"], "a=b")}
    refused_by_each(catalog, InvalidInputError, calls, match="parameters")


OTHER: list[tuple[str, Call]] = [
    ("update-unknown-field", lambda c: c.update_table("sales", "orders", colums=[])),
    ("update-version-field", lambda c: c.update_table("sales", "orders", version=7)),
    ("update-created-at", lambda c: c.update_table("sales", "orders", created_at=None)),
    ("invalid-table-type", lambda c: c.create_table("sales", "new", table_type="TABLE")),
    ("update-invalid-table-type", lambda c: c.update_table("sales", "orders", table_type="x")),
    ("column-without-type", lambda c: c.create_table("sales", "new", columns=[{"name": "a"}])),
    ("column-not-a-mapping", lambda c: c.create_table("sales", "new", columns=["a int"])),
    (
        "partitions-of-unpartitioned",
        lambda c: c.batch_create_partitions("sales", "customers", [["1"]]),
    ),
    ("read-unpartitioned", lambda c: c.get_partitions("sales", "customers")),
    ("bad-table-pattern", lambda c: c.list_tables("sales", "(orders")),
    ("version-as-string", lambda c: c.get_table_version("sales", "orders", "1")),
    ("version-as-bool", lambda c: c.restore_table_version("sales", "orders", True)),
    ("version-as-float", lambda c: c.diff_table_versions("sales", "orders", 1.0, 2)),
    ("split-table-name", lambda c: c.get_table("sales.orders", "x")),
]


@pytest.mark.parametrize("call", [c for _, c in OTHER], ids=[n for n, _ in OTHER])
def test_other_invalid_input(catalog: Catalog, call: Call) -> None:
    with refused(catalog, InvalidInputError):
        call(catalog)
