"""Every kind of bad input raises InvalidInputError with a one-line message that helps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_magics.errors import InvalidInputError
from glue_magics.etl import transforms as T

from .conftest import Frame

SCHEMA = (
    "id int, name struct<first:string,last:string>, age string,"
    " orders array<struct<sku:string,qty:int>>, `a.b` int, name_first string"
)


@pytest.fixture(scope="module")
def df(frame: Frame) -> DataFrame:
    return frame([{"id": 1, "name": {"first": "A", "last": "B"}, "age": "1", "orders": []}], SCHEMA)


Call = Callable[[DataFrame], Any]

CASES: list[tuple[str, Call, str]] = [
    # any transform: not a DataFrame
    ("not a frame", lambda df: T.unnest([1, 2]), r"unnest: expected a pyspark DataFrame, got list"),
    ("not a frame 2", lambda df: T.select_fields({"id": 1}, ["id"]), r"got dict"),  # type: ignore[arg-type]
    # paths
    (
        "unknown path",
        lambda df: T.select_fields(df, ["nmae.first"]),
        r"no field 'nmae.first'; did you mean 'name.first'",
    ),
    (
        "unknown nested",
        lambda df: T.drop_fields(df, "name.frist"),
        r"drop_fields: no field 'name.frist'; did you mean 'name.first'",
    ),
    (
        "no close match",
        lambda df: T.drop_fields(df, "zzzzzz"),
        r"no field 'zzzzzz'; the fields are: id, name, name.first",
    ),
    (
        "through non-struct",
        lambda df: T.select_fields(df, "age.x"),
        r"'age' is string, not a struct",
    ),
    ("unclosed backtick", lambda df: T.select_fields(df, "`a.b"), r"unclosed backtick"),
    ("trailing dot", lambda df: T.select_fields(df, "name."), r"unexpected '\.' in field 'name\.'"),
    ("empty segment", lambda df: T.select_fields(df, "name..first"), r"empty field name"),
    ("ends in []", lambda df: T.drop_fields(df, "orders[]"), r"ends in '\[\]'"),
    (
        "[] on a struct",
        lambda df: T.drop_fields(df, "name[].first"),
        r"'name' is struct<.*>, not an array",
    ),
    ("empty paths", lambda df: T.select_fields(df, []), r"non-empty list of paths"),
    ("non-string path", lambda df: T.select_fields(df, ["id", 3]), r"must be a string, got 3"),  # type: ignore[list-item]
    ("empty path", lambda df: T.drop_fields(df, ""), r"field must be a non-empty string, got ''"),
    # apply_mapping
    ("no mappings", lambda df: T.apply_mapping(df, []), r"mappings must be a non-empty list"),
    (
        "3-tuple",
        lambda df: T.apply_mapping(df, [("id", "int", "id")]),
        r"mapping 1 is .*expected four strings",
    ),  # type: ignore[list-item]
    (
        "bad target type",
        lambda df: T.apply_mapping(df, [("id", "int", "id", "integr")]),
        r"target type of mapping 1 'integr' is not a type name; use e\.g\. string, int",
    ),
    (
        "column list type",
        lambda df: T.apply_mapping(df, [("id", "int", "id", "int int")]),
        r"'int int' is not a type name",
    ),
    (
        "bad source type",
        lambda df: T.apply_mapping(df, [("id", "nope", "id", "int")]),
        r"source type of mapping 1 'nope'",
    ),
    (
        "strict unknown",
        lambda df: T.apply_mapping(df, [("agee", "string", "a", "int")], strict=True),
        r"no source field 'agee'; did you mean 'age'",
    ),
    (
        "source in array",
        lambda df: T.apply_mapping(df, [("orders.qty", "int", "q", "int")]),
        r"'orders' is an array and apply_mapping does not reach into array",
    ),
    (
        "duplicate target",
        lambda df: T.apply_mapping(
            df, [("id", "int", "x", "int"), ("age", "string", "x", "string")]
        ),
        r"target 'x' repeats a target",
    ),
    (
        "target struct clash",
        lambda df: T.apply_mapping(
            df, [("id", "int", "x.y", "int"), ("age", "string", "x", "string")]
        ),
        r"target 'x' is also a struct",
    ),
    (
        "target under leaf",
        lambda df: T.apply_mapping(
            df, [("id", "int", "x", "int"), ("age", "string", "x.y", "string")]
        ),
        r"puts a field inside 'x'",
    ),
    (
        "target with []",
        lambda df: T.apply_mapping(df, [("id", "int", "x[].y", "int")]),
        r"may not contain '\[\]'",
    ),
    # resolve_choice
    ("neither", lambda df: T.resolve_choice(df), r"exactly one of specs .* or choice"),
    (
        "both",
        lambda df: T.resolve_choice(df, specs=[("age", "cast:int")], choice="make_cols"),
        r"exactly one of specs",
    ),
    (
        "bad action",
        lambda df: T.resolve_choice(df, specs=[("age", "cast_int")]),
        r"unknown action 'cast_int'; use cast:TYPE, project:TYPE, make_cols or make_struct",
    ),
    (
        "cast no type",
        lambda df: T.resolve_choice(df, specs=[("age", "cast:")]),
        r"action 'cast:' needs a type",
    ),
    (
        "bad action type",
        lambda df: T.resolve_choice(df, specs=[("age", "project:integr")]),
        r"type in action 'project:integr'",
    ),
    (
        "match_catalog",
        lambda df: T.resolve_choice(df, choice="match_catalog"),
        r"match_catalog resolves against a Data Catalog table",
    ),
    (
        "unknown choice path",
        lambda df: T.resolve_choice(df, specs=[("ag", "cast:int")]),
        r"resolve_choice: no field 'ag'; did you mean 'age'",
    ),
    (
        "overlap",
        lambda df: T.resolve_choice(
            df, specs=[("name", "cast:string"), ("name.first", "cast:int")]
        ),
        r"specs for 'name' and 'name.first' overlap",
    ),
    (
        "bad spec",
        lambda df: T.resolve_choice(df, specs=["age"]),
        r"each spec must be a \(path, action\) pair",
    ),  # type: ignore[list-item]
    (
        "make_cols clash",
        lambda df: T.resolve_choice(
            df.withColumn("age_int", F.lit(1)), specs=[("age", "make_cols")]
        ),
        r"would make age_int, which exists",
    ),
    # relationalize
    ("root name", lambda df: T.relationalize(df, ""), r"root_name must be a non-empty string"),
    (
        "separator",
        lambda df: T.relationalize(df, "r", separator=""),
        r"separator must be a non-empty string",
    ),
    (
        "flatten clash",
        lambda df: T.relationalize(df, "r", separator="_"),
        r"two fields flatten to the column 'name_first'",
    ),
    # unnest
    (
        "unnest clash",
        lambda df: T.unnest(df.withColumnRenamed("a.b", "name.last")),
        r"'`name\.last`' and 'name\.last' both flatten to 'name\.last'",
    ),
    # rename_field
    (
        "rename unknown",
        lambda df: T.rename_field(df, "nme", "x"),
        r"rename_field: no field 'nme'; did you mean 'name'",
    ),
    (
        "rename onto sibling",
        lambda df: T.rename_field(df, "name.first", "name.last"),
        r"'name\.last' exists",
    ),
    (
        "move onto column",
        lambda df: T.rename_field(df, "name.first", "age"),
        r"cannot rename 'name\.first' to 'age': it exists",
    ),
    (
        "move into itself",
        lambda df: T.rename_field(df, "name", "name.inner.x"),
        r"cannot move 'name' into itself",
    ),
    (
        "move out of array",
        lambda df: T.rename_field(df, "orders.qty", "qty"),
        r"cannot move 'orders\.qty' out of an array element",
    ),
    (
        "move under non-struct",
        lambda df: T.rename_field(df, "id", "age.id"),
        r"'age' is string, not a struct",
    ),
    # split_rows
    (
        "sql typo",
        lambda df: T.split_rows(df, "agee > 1"),
        r"split_rows: the predicate names no column 'agee'; did you mean 'age'",
    ),
    (
        "sql syntax",
        lambda df: T.split_rows(df, "age >"),
        r"split_rows: invalid predicate age >: .*PARSE_SYNTAX_ERROR",
    ),
    ("not boolean", lambda df: T.split_rows(df, F.col("id") + 1), r"is int, not boolean"),
    ("empty predicate", lambda df: T.split_rows(df, "  "), r"the predicate is empty"),
    (
        "predicate type",
        lambda df: T.split_rows(df, 42),
        r"predicate must be a SQL condition string, a Column or a comparison dict, got int",
    ),  # type: ignore[arg-type]
    (
        "bad comparator",
        lambda df: T.split_rows(df, {"id": {"=>": 1}}),
        r"unknown comparator '=>' for 'id'",
    ),
    (
        "dict unknown column",
        lambda df: T.split_rows(df, {"idd": {">": 1}}),
        r"no column 'idd'; did you mean 'id'",
    ),
    (
        "dict not nested",
        lambda df: T.split_rows(df, {"id": 1}),
        r"comparisons for 'id' must be a dict",
    ),  # type: ignore[dict-item]
    # fill_missing
    (
        "strategy",
        lambda df: T.fill_missing(df, "id", strategy="average"),
        r"unknown strategy 'average'; use one of mean, median, mode, constant",
    ),
    (
        "constant no value",
        lambda df: T.fill_missing(df, "id", strategy="constant"),
        r"strategy 'constant' needs a value",
    ),
    (
        "value with mean",
        lambda df: T.fill_missing(df, "id", value=3),
        r"value is only used with strategy 'constant'",
    ),
    (
        "mean of string",
        lambda df: T.fill_missing(df, "age"),
        r"mean needs a numeric column; 'age' is string",
    ),
    (
        "mode of struct",
        lambda df: T.fill_missing(df, "name", strategy="mode"),
        r"mode needs an atomic",
    ),
    (
        "constant type",
        lambda df: T.fill_missing(df, "id", strategy="constant", value="x"),
        r"the constant 'x' does not fit 'id', which is int",
    ),
    (
        "constant range",
        lambda df: T.fill_missing(df, "id", strategy="constant", value=2**40),
        r"the constant 1099511627776 does not fit",
    ),
    (
        "fill unknown",
        lambda df: T.fill_missing(df, "idd"),
        r"fill_missing: no column 'idd'; did you mean 'id'",
    ),
    ("fill in array", lambda df: T.fill_missing(df, "orders.qty"), r"does not reach into array"),
    (
        "output exists",
        lambda df: T.fill_missing(df.withColumn("id_filled", F.lit(1)), "id"),
        r"'id_filled' exists",
    ),
]


@pytest.mark.parametrize(
    ("call", "message"), [(c, m) for _, c, m in CASES], ids=[n for n, _, _ in CASES]
)
def test_bad_input(df: DataFrame, call: Call, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        call(df)
    assert "\n" not in str(info.value)


def test_ambiguous_case_insensitive_name(frame: Frame) -> None:
    df = frame([{"x": 1}], "x int").select(F.col("x").alias("Ab"), F.col("x").alias("AB"))
    with pytest.raises(InvalidInputError, match=r"'ab' matches 'Ab', 'AB'; spell the case exactly"):
        T.select_fields(df, "ab")
