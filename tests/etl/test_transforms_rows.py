"""SplitRows and FillMissingValues on real Spark."""

from __future__ import annotations

import datetime

import pytest
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from glue_magics.etl.transforms import fill_missing, split_rows

from .conftest import Frame, ddl, rows


@pytest.fixture(scope="module")
def people(frame: Frame) -> DataFrame:
    return frame(
        [
            {"id": 1, "age": 10, "state": "WA", "info": {"score": 1.0}},
            {"id": 2, "age": 25, "state": "OR", "info": {"score": 4.0}},
            {"id": 3, "age": None, "state": "WA", "info": None},
            {"id": 4, "age": 15, "state": None, "info": {"score": None}},
        ],
        "id int, age int, state string, info struct<score:double>",
    )


def ids(df: DataFrame) -> list[int]:
    return sorted(r["id"] for r in df.select("id").collect())


def test_split_rows_sql_null_goes_to_rest(people: DataFrame) -> None:
    matching, rest = split_rows(people, "state = 'WA'")
    assert (ids(matching), ids(rest)) == ([1, 3], [2, 4])  # 4 has no state: null, not a match
    matching, rest = split_rows(people, "age > 12")
    assert (ids(matching), ids(rest)) == ([2, 4], [1, 3])
    assert ddl(matching) == ddl(people)


def test_split_rows_column_and_nested(people: DataFrame) -> None:
    matching, rest = split_rows(people, F.col("info.score") >= 1.0)
    assert (ids(matching), ids(rest)) == ([1, 2], [3, 4])


def test_split_rows_glue_comparison_dict(people: DataFrame) -> None:
    matching, rest = split_rows(people, {"age": {">": 10, "<": 20}})
    assert (ids(matching), ids(rest)) == ([4], [1, 2, 3])
    matching, rest = split_rows(people, {"age": {">=": 10}, "state": {"!=": "OR"}})
    assert (ids(matching), ids(rest)) == ([1], [2, 3, 4])
    matching, _ = split_rows(people, {"info.score": {"=": 4.0}})
    assert ids(matching) == [2]


def test_fill_missing_mean_adds_filled_column_and_keeps_original(people: DataFrame) -> None:
    out = fill_missing(people, ["age", "info.score"])
    assert ddl(out) == (
        "struct<id:int,age:int,state:string,info:struct<score:double,score_filled:double>,"
        "age_filled:int>"
    )
    got = [(r["age"], r["age_filled"], r["info"]) for r in rows(out, "id")]
    # mean age 50/3 = 16.67 -> 17 in an int column; mean score 2.5; a null struct stays null
    assert got == [
        (10, 10, {"score": 1.0, "score_filled": 1.0}),
        (25, 25, {"score": 4.0, "score_filled": 4.0}),
        (None, 17, None),
        (15, 15, {"score": None, "score_filled": 2.5}),
    ]


def test_fill_missing_median_mode_and_default_columns(frame: Frame) -> None:
    df = frame(
        [
            {"n": 1, "x": 1.0, "s": "b"},
            {"n": 4, "x": float("nan"), "s": ""},
            {"n": None, "x": 3.0, "s": "a"},
            {"n": 2, "x": None, "s": "b"},
            {"n": 9, "x": 10.0, "s": None},
        ],
        "n bigint, x double, s string",
    )
    med = fill_missing(df, strategy="median")  # numeric columns only
    assert med.columns == ["n", "x", "s", "n_filled", "x_filled"]
    got = [(r["n_filled"], r["x_filled"]) for r in med.collect()]
    # median n of 1,4,2,9 is 3; median x of 1,3,10 is 3 (NaN counts as missing)
    assert got == [(1, 1.0), (4, 3.0), (3, 3.0), (2, 3.0), (9, 10.0)]
    mode = fill_missing(df, "s", strategy="mode")  # "" is missing too
    assert [r["s_filled"] for r in mode.collect()] == ["b", "b", "a", "b", "b"]


def test_fill_missing_constant_and_all_missing_column(frame: Frame) -> None:
    df = frame(
        [{"d": None, "s": None, "e": None}, {"d": "2024-01-02", "s": "x", "e": None}],
        "d date, s string, e double",
    )
    out = fill_missing(df, ["d"], strategy="constant", value=datetime.date(2000, 1, 1))
    assert [r["d_filled"] for r in out.collect()] == [
        datetime.date(2000, 1, 1),
        datetime.date(2024, 1, 2),
    ]
    out = fill_missing(df, strategy="constant", value="?")  # only the string column takes "?"
    assert out.columns == ["d", "s", "e", "s_filled"]
    assert [r["s_filled"] for r in out.collect()] == ["?", "x"]
    out = fill_missing(df, "e")  # nothing to estimate from: stays missing
    assert [r["e_filled"] for r in out.collect()] == [None, None]
