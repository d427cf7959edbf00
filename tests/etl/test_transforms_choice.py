"""ResolveChoice on string columns of mixed values, on real Spark."""

from __future__ import annotations

import pytest
from pyspark.sql import DataFrame

from glue_magics.etl.transforms import resolve_choice

from .conftest import Frame, ddl, rows

SCHEMA = (
    "id int, price string, flag string, big string, clean string,"
    " item struct<code:string,n:int>, lines array<struct<qty:string>>"
)


@pytest.fixture(scope="module")
def mixed(frame: Frame) -> DataFrame:
    # What Spark makes of JSON records that disagree: price 12 / "12.5" / "n/a" -> strings.
    return frame(
        [
            {
                "id": 1,
                "price": "12",
                "flag": "true",
                "big": "5",
                "clean": "a",
                "item": {"code": "7", "n": 1},
                "lines": [{"qty": "1"}, {"qty": "one"}],
            },
            {
                "id": 2,
                "price": "12.5",
                "flag": "1",
                "big": "9000000000",
                "clean": "b",
                "item": {"code": "x7", "n": 2},
                "lines": [],
            },
            {"id": 3, "price": "n/a", "flag": None, "big": None, "clean": None, "item": None},
            {"id": 4, "price": None, "flag": "FALSE", "big": "-3", "clean": "", "lines": None},
        ],
        SCHEMA,
    )


def test_cast_converts_what_it_can(mixed: DataFrame) -> None:
    out = resolve_choice(mixed, specs=[("price", "cast:double"), ("flag", "cast:boolean")])
    assert ddl(out.select("price", "flag")) == "struct<price:double,flag:boolean>"
    got = [(r["id"], r["price"], r["flag"]) for r in rows(out, "id")]
    assert got == [(1, 12.0, True), (2, 12.5, True), (3, None, None), (4, None, False)]


def test_project_keeps_only_values_of_the_type(mixed: DataFrame) -> None:
    out = resolve_choice(
        mixed,
        specs=[
            ("price", "project:int"),
            ("flag", "project:boolean"),
            ("big", "project:double"),  # ints and longs are numbers too
            ("clean", "project:string"),
            ("item.code", "project:string"),  # "7" is an int, so it goes
        ],
    )
    assert ddl(out.select("price", "flag", "big", "clean")) == (
        "struct<price:int,flag:boolean,big:double,clean:string>"
    )
    got = [(r["price"], r["flag"], r["big"], r["clean"], r["item"]) for r in rows(out, "id")]
    assert got == [
        (12, True, 5.0, "a", {"code": None, "n": 1}),
        (None, None, 9e9, "b", {"code": "x7", "n": 2}),  # "1" is an int, not a boolean
        (None, None, None, None, None),
        (None, False, -3.0, "", None),
    ]


def test_make_cols_splits_by_type_in_place(mixed: DataFrame) -> None:
    out = resolve_choice(mixed, specs=[("price", "make_cols"), ("big", "make_cols")])
    # int and long together are one type, long (Glue widens)
    assert out.columns == [
        "id",
        "price_double",
        "price_int",
        "price_string",
        "flag",
        "big_long",
        "clean",
        "item",
        "lines",
    ]
    assert ddl(out.select("price_double", "price_int", "price_string", "big_long")) == (
        "struct<price_double:double,price_int:int,price_string:string,big_long:bigint>"
    )
    got = [
        (r["price_double"], r["price_int"], r["price_string"], r["big_long"])
        for r in rows(out, "id")
    ]
    assert got == [
        (None, 12, None, 5),
        (12.5, None, None, 9000000000),
        (None, None, "n/a", None),
        (None, None, None, -3),
    ]


def test_make_struct_inside_array_elements(mixed: DataFrame) -> None:
    out = resolve_choice(mixed, specs=[("lines[].qty", "make_struct")])
    assert (
        ddl(out.select("lines")) == "struct<lines:array<struct<qty:struct<int:int,string:string>>>>"
    )
    got = [r["lines"] for r in rows(out.select("id", "lines"), "id")]
    assert got == [
        [{"qty": {"int": 1, "string": None}}, {"qty": {"int": None, "string": "one"}}],
        [],
        None,
        None,
    ]


def test_typed_columns_have_one_member_their_type(mixed: DataFrame) -> None:
    out = resolve_choice(mixed, specs=[("item.n", "make_cols"), ("id", "make_struct")])
    assert ddl(out.select("id", "item")) == (
        "struct<id:struct<int:int>,item:struct<code:string,n_int:int>>"
    )
    # project widens numbers and nulls what is of another type
    out = resolve_choice(mixed, specs=[("item.n", "project:long"), ("id", "project:string")])
    assert ddl(out.select("id", "item")) == "struct<id:string,item:struct<code:string,n:bigint>>"
    assert [(r["id"], r["item"]) for r in rows(out.select("id", "item"))][:2] == [
        (None, {"code": "7", "n": 1}),
        (None, {"code": "x7", "n": 2}),
    ]


def test_choice_applies_to_every_mixed_string_field(mixed: DataFrame) -> None:
    out = resolve_choice(mixed, choice="make_cols")
    # clean ("a", "b", "") holds only strings and big only numbers: left alone
    assert out.columns == [
        "id",
        "price_double",
        "price_int",
        "price_string",
        "flag_boolean",
        "flag_int",
        "big",
        "clean",
        "item",
        "lines",
    ]
    assert ddl(out.select("item", "lines")) == (
        "struct<item:struct<code_int:int,code_string:string,n:int>,"
        "lines:array<struct<qty_int:int,qty_string:string>>>"
    )
    got = [(r["flag_boolean"], r["flag_int"], r["item"]) for r in rows(out, "id")]
    assert got == [
        (True, None, {"code_int": 7, "code_string": None, "n": 1}),
        (None, 1, {"code_int": None, "code_string": "x7", "n": 2}),
        (None, None, None),
        (False, None, None),
    ]


def test_choice_cast_and_nothing_mixed(frame: Frame) -> None:
    df = frame([{"a": "1", "b": "x"}, {"a": "y", "b": "z"}], "a string, b string")
    out = resolve_choice(df, choice="cast:int")
    assert ddl(out) == "struct<a:int,b:string>"
    assert rows(out, "a") == [{"a": 1, "b": "x"}, {"a": None, "b": "z"}]
    plain = frame([{"a": "1"}, {"a": "2"}], "a string")
    assert resolve_choice(plain, choice="make_cols") is plain
