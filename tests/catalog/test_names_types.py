"""Object names and Hive type strings, without a store."""

from __future__ import annotations

from typing import Any

import pytest

from glue_magics.catalog.names import (
    MAX_NAME_LENGTH,
    normalize_column_name,
    normalize_name,
    split_table_name,
)
from glue_magics.catalog.types import base_type, normalize_type, parse_bigint
from glue_magics.errors import InvalidInputError

from .helpers import assert_one_line


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sales", "sales"),
        ("  Sales  ", "sales"),
        ("raw_2024", "raw_2024"),
        ("my-bucket-folder", "my-bucket-folder"),
        ("_private", "_private"),
        ("2024", "2024"),
        ("x" * MAX_NAME_LENGTH, "x" * MAX_NAME_LENGTH),
    ],
)
def test_valid_names_are_lower_cased(name: str, expected: str) -> None:
    assert normalize_name(name) == expected


@pytest.mark.parametrize(
    "name",
    ["", " ", "a b", "a.b", "-leading", "x" * (MAX_NAME_LENGTH + 1), "é", "a/b", "a\nb", 1, None],
    ids=repr,
)
def test_invalid_names(name: Any) -> None:
    with pytest.raises(InvalidInputError, match="table name") as info:
        normalize_name(name, "table name")
    assert_one_line(info.value)


def test_split_table_name() -> None:
    assert split_table_name("Sales.Orders") == ("sales", "orders")
    for bad in ("orders", "a.b.c", ".orders", "sales.", 5):
        with pytest.raises(InvalidInputError) as info:
            split_table_name(bad)  # type: ignore[arg-type]
        assert_one_line(info.value)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("ID", "id"), (" Order Date ", "order date"), ("a.b", "a.b"), ("größe", "größe")],
)
def test_column_names_allow_printable_text(name: str, expected: str) -> None:
    assert normalize_column_name(name) == expected


@pytest.mark.parametrize(
    ("hive_type", "expected"),
    [
        ("BIGINT", "bigint"),
        ("integer", "int"),
        (" string ", "string"),
        ("decimal", "decimal(10,0)"),
        ("DECIMAL(12)", "decimal(12,0)"),
        ("decimal( 10 , 2 )", "decimal(10,2)"),
        ("decimal(38,38)", "decimal(38,38)"),
        ("varchar(20)", "varchar(20)"),
        ("char(1)", "char(1)"),
        ("char(255)", "char(255)"),
        ("varchar(1)", "varchar(1)"),
        ("VARCHAR(65535)", "varchar(65535)"),
        ("array<INTEGER>", "array<int>"),
        ("map<string, array<double>>", "map<string,array<double>>"),
        (
            "struct<Name:string, tags:array<struct<k:int,v:string>>>",
            "struct<name:string,tags:array<struct<k:int,v:string>>>",
        ),
        ("struct<`a b`:int>", "struct<`a b`:int>"),
        ("uniontype<int, string>", "uniontype<int,string>"),
        ("timestamp", "timestamp"),
    ],
)
def test_hive_types_are_normalized(hive_type: str, expected: str) -> None:
    assert normalize_type(hive_type) == expected
    assert normalize_type(expected) == expected


@pytest.mark.parametrize(
    "hive_type",
    [
        "bigint<",
        "foo",
        "decimal(40,2)",
        "decimal(0,0)",
        "decimal(3,4)",
        "decimal(10,2",
        "array<int>>",
        "map<int>",
        "struct<a>",
        "struct<:int>",
        "uniontype<>",
        "varchar()",
        "char(0)",
        "char(256)",
        "varchar(0)",
        "varchar(65536)",
        "varchar(99999999999999999999)",
        "decimal(\u0661\u0660,2)",
        "char(\u0665)",
        "int\nint",
        "",
        None,
        3,
    ],
    ids=repr,
)
def test_invalid_hive_types(hive_type: Any) -> None:
    with pytest.raises(InvalidInputError, match="Hive type") as info:
        normalize_type(hive_type)
    assert_one_line(info.value)


@pytest.mark.parametrize(
    ("hive_type", "expected"),
    [
        ("decimal(10,2)", "decimal"),
        ("array<int>", "array"),
        ("int", "int"),
        ("varchar(5)", "varchar"),
    ],
)
def test_base_type(hive_type: str, expected: str) -> None:
    assert base_type(hive_type) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("-12", -12),
        ("007", 7),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
        ("9223372036854775808", None),
        ("1_000", None),
        ("+1", None),
        (" 1", None),
        ("1\n", None),
        ("\u0663", None),
        ("", None),
        ("-", None),
        (5, None),
    ],
    ids=repr,
)
def test_parse_bigint(text: Any, expected: int | None) -> None:
    assert parse_bigint(text) == expected
