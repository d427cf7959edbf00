"""Schema merging across files: widen, merge_columns, similarity."""

from __future__ import annotations

import time

import pytest

from glue_magics.catalog.objects import Column
from glue_magics.catalog.types import normalize_type
from glue_magics.crawler.classify.merge import merge_columns, similarity, widen


def cols(spec: str) -> list[Column]:
    """'a:int, b:string' -> columns."""
    result = []
    for part in spec.split(";"):
        name, _, type_ = part.strip().partition(":")
        result.append(Column(name, type_))
    return result


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("int", "int", "int"),
        ("int", "bigint", "bigint"),
        ("tinyint", "smallint", "smallint"),
        ("bigint", "double", "double"),
        ("int", "float", "double"),
        ("smallint", "float", "float"),
        ("float", "double", "double"),
        ("int", "string", "string"),
        ("boolean", "bigint", "string"),
        ("date", "timestamp", "timestamp"),
        ("date", "bigint", "string"),
        ("decimal(10,2)", "decimal(5,4)", "decimal(12,4)"),
        ("decimal(10,2)", "int", "decimal(12,2)"),
        ("decimal(38,10)", "bigint", "decimal(38,10)"),
        ("decimal(38,30)", "bigint", "double"),
        ("decimal(10,2)", "double", "double"),
        ("varchar(10)", "string", "string"),
        ("void", "bigint", "bigint"),
        ("array<int>", "null", "array<int>"),
        ("array<int>", "array<double>", "array<double>"),
        ("array<int>", "int", "string"),
        ("struct<a:int>", "struct<a:bigint,b:string>", "struct<a:bigint,b:string>"),
        (
            "array<struct<a:int,`x y`:int>>",
            "array<struct<b:string,`x y`:double>>",
            "array<struct<a:int,`x y`:double,b:string>>",
        ),
        ("map<string,int>", "map<string,bigint>", "map<string,bigint>"),
        ("struct<a:int>", "string", "string"),
        ("INT", "BigInt", "bigint"),
        ("not a type", "int", "string"),
    ],
)
def test_widen(a: str, b: str, expected: str) -> None:
    assert widen(a, b) == expected == normalize_type(expected)
    if "struct" not in expected:  # struct fields come in first-seen order
        assert widen(b, a) == expected


def test_widen_is_symmetric_for_structs_up_to_field_order() -> None:
    assert widen("struct<b:string,a:bigint>", "struct<a:int>") == "struct<b:string,a:bigint>"


def test_merge_columns_unions_in_first_seen_order() -> None:
    merged, notes = merge_columns(
        [
            cols("id:int; name:string"),
            cols("id:bigint; amount:double"),
            cols("ID:double; name:string"),
        ]
    )
    assert [(c.name, c.type) for c in merged] == [
        ("id", "double"),
        ("name", "string"),
        ("amount", "double"),
    ]
    assert notes == ("column 'id': int, bigint and double -> double",)


def test_merge_columns_notes_each_widening() -> None:
    _, notes = merge_columns([cols("x:int; y:int"), cols("x:double; y:string")])
    assert notes == ("column 'x': int and double -> double", "column 'y': int and string -> string")


def test_merge_columns_keeps_the_first_comment() -> None:
    merged, notes = merge_columns(
        [[Column("a", "int")], [Column("a", "int", "from the second file")]]
    )
    assert merged == (Column("a", "int", "from the second file"),)
    assert notes == ()


def test_merge_columns_of_nothing() -> None:
    assert merge_columns([]) == ((), ())
    assert merge_columns([[], []]) == ((), ())


def test_merge_nested_structs() -> None:
    merged, _ = merge_columns(
        [[Column("u", "struct<a:int>")], [Column("u", "struct<b:array<string>>")]]
    )
    assert merged[0].type == "struct<a:int,b:array<string>>"


def test_similarity_glue_examples() -> None:
    assert similarity(cols("a:int; b:int"), cols("c:int; d:int")) == 0.0
    assert similarity(cols("a:int; b:int"), cols("a:int; b:int")) == 1.0
    assert similarity(cols("a:int; b:int; c:int"), cols("a:int; b:int; d:int")) == 0.5


def test_similarity_counts_compatible_types_only() -> None:
    assert similarity(cols("a:int; b:string"), cols("a:double; b:string")) == 1.0
    assert similarity(cols("a:int; b:string"), cols("a:string; b:string")) == 0.5
    assert similarity(cols("a:decimal(10,2)"), cols("a:bigint")) == 1.0
    assert similarity(cols("a:integer"), cols("A:INT")) == 1.0


def test_similarity_of_empty_schemas() -> None:
    assert similarity([], []) == 1.0
    assert similarity([], cols("a:int")) == 0.0


def test_ten_thousand_columns_merge_fast() -> None:
    a = [Column(f"c{i}", "int") for i in range(10_000)]
    b = [Column(f"c{i}", "bigint" if i % 2 else "int") for i in range(10_000)]
    started = time.monotonic()
    merged, notes = merge_columns([a, b])
    score = similarity(a, b)
    assert time.monotonic() - started < 2
    assert len(merged) == 10_000 and len(notes) == 5_000 and score == 1.0
