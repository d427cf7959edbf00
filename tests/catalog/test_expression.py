"""Partition expressions, run in SQL on both backends and checked against a Python evaluation."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from glue_magics.catalog import Catalog, Column
from glue_magics.catalog.expression import compile_expression
from glue_magics.catalog.models import PartitionRow
from glue_magics.errors import ExpressionError

from .helpers import TableMaker, assert_one_line, refused, refused_by_each

REGIONS = ("us", "eu_west", "it's")
PARTITIONS = [
    (year, str(month), region)
    for year in ("2023", "2024")
    for month in range(1, 13)
    for region in REGIONS
]

Row = dict[str, Any]
CASES: list[tuple[str, Callable[[Row], bool]]] = [
    ("year = '2024'", lambda p: p["year"] == "2024"),
    ("year = 2024", lambda p: p["year"] == "2024"),
    ("year <> '2024'", lambda p: p["year"] != "2024"),
    ("year != '2024'", lambda p: p["year"] != "2024"),
    ("year > '2023'", lambda p: p["year"] > "2023"),
    ("year BETWEEN '2023' AND '2023'", lambda p: p["year"] == "2023"),
    ("month = 1", lambda p: p["month"] == 1),
    ("month = '07'", lambda p: p["month"] == 7),
    ("month <> 1", lambda p: p["month"] != 1),
    ("month > 9", lambda p: p["month"] > 9),
    ("month < 3", lambda p: p["month"] < 3),
    ("month >= 10", lambda p: p["month"] >= 10),
    ("month <= 2", lambda p: p["month"] <= 2),
    ("month > -1", lambda p: True),
    ("month > '9'", lambda p: p["month"] > 9),
    ("month IN (1, 3, 12)", lambda p: p["month"] in (1, 3, 12)),
    ("month IN ('2', '11')", lambda p: p["month"] in (2, 11)),
    ("month NOT IN (1, 2, 3)", lambda p: p["month"] not in (1, 2, 3)),
    ("month BETWEEN 3 AND 10", lambda p: 3 <= p["month"] <= 10),
    ("month NOT BETWEEN 3 AND 10", lambda p: not 3 <= p["month"] <= 10),
    ("month BETWEEN 10 AND 9", lambda p: False),
    ("month = 1 AND year = '2023'", lambda p: p["month"] == 1 and p["year"] == "2023"),
    ("month = 1 OR month = 12", lambda p: p["month"] in (1, 12)),
    (
        "month = 1 OR month = 2 AND region = 'us'",
        lambda p: p["month"] == 1 or (p["month"] == 2 and p["region"] == "us"),
    ),
    (
        "(month = 1 OR month = 2) AND region = 'us'",
        lambda p: p["month"] in (1, 2) and p["region"] == "us",
    ),
    ("NOT month = 1", lambda p: p["month"] != 1),
    ("NOT (month < 6 OR region = 'us')", lambda p: not (p["month"] < 6 or p["region"] == "us")),
    ("NOT NOT region = 'us'", lambda p: p["region"] == "us"),
    ("((month = 5))", lambda p: p["month"] == 5),
    ("region = 'it''s'", lambda p: p["region"] == "it's"),
    ("region IN ('us', 'it''s')", lambda p: p["region"] in ("us", "it's")),
    ("region LIKE 'u%'", lambda p: p["region"].startswith("u")),
    ("region LIKE '__'", lambda p: len(p["region"]) == 2),
    ("region LIKE '%''%'", lambda p: "'" in p["region"]),
    ("region NOT LIKE '%s'", lambda p: not p["region"].endswith("s")),
    ("month LIKE '1%'", lambda p: str(p["month"]).startswith("1")),
    ("region IS NULL", lambda p: False),
    ("region IS NOT NULL", lambda p: True),
    ("`month` = 5", lambda p: p["month"] == 5),
    ("`Month` = 5 and `REGION` = 'us'", lambda p: p["month"] == 5 and p["region"] == "us"),
    (
        "MONTH = 5 And Year = '2024' oR region iN ('it''s') AND NOT month between 1 and 11",
        lambda p: (
            (p["month"] == 5 and p["year"] == "2024")
            or (p["region"] == "it's" and not 1 <= p["month"] <= 11)
        ),
    ),
    ("month>9 AND year='2024'", lambda p: p["month"] > 9 and p["year"] == "2024"),
]


def as_row(values: tuple[str, ...]) -> Row:
    year, month, region = values
    return {"year": year, "month": int(month), "region": region}


@pytest.fixture
def sales(make_table: TableMaker) -> None:
    make_table("orders", keys=("year string", "month int", "region string"), partitions=PARTITIONS)


@pytest.mark.parametrize(("expression", "predicate"), CASES, ids=[c[0] for c in CASES])
def test_expression_matches_python_evaluation(
    catalog: Catalog, sales: None, expression: str, predicate: Callable[[Row], bool]
) -> None:
    # Pages come in the order of the values, compared as strings by code point.
    expected = sorted(v for v in PARTITIONS if predicate(as_row(v)))

    page = catalog.get_partitions("sales", "orders", expression)

    assert [p.values for p in page.partitions] == expected
    assert page.next_token is None
    assert catalog.count_partitions("sales", "orders", expression) == len(expected)


def test_integer_keys_compare_as_numbers_and_string_keys_as_strings(
    catalog: Catalog, make_table: TableMaker
) -> None:
    make_table("codes", keys=("code string", "n bigint"), partitions=[["9", "9"], ["10", "10"]])

    def matching(expression: str) -> list[tuple[str, ...]]:
        return [p.values for p in catalog.iter_partitions("sales", "codes", expression)]

    assert matching("n > 9") == [("10", "10")]
    assert matching("n < 10") == [("9", "9")]
    assert matching("code > '9'") == []
    assert matching("code < '9'") == [("10", "10")]
    # Pages come in the order of the values as strings, so "10" before "9".
    assert matching("n BETWEEN 2 AND 10") == [("10", "10"), ("9", "9")]
    assert matching("code BETWEEN '2' AND '99'") == [("9", "9")]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("dt >= '2024-02-01'", ["2024-02-01", "2024-02-29", "2024-12-31"]),
        ("dt BETWEEN '2024-01-01' AND '2024-02-29'", ["2024-01-15", "2024-02-01", "2024-02-29"]),
        ("dt LIKE '2024-02-%'", ["2024-02-01", "2024-02-29"]),
        ("dt < '2024'", ["2023-12-31"]),
        ("dt = '2024-12-31'", ["2024-12-31"]),
    ],
)
def test_date_keys_compare_as_iso_strings(
    catalog: Catalog, make_table: TableMaker, expression: str, expected: list[str]
) -> None:
    dates = ["2023-12-31", "2024-01-15", "2024-02-01", "2024-02-29", "2024-12-31"]
    make_table("events", keys=("dt date",), partitions=[[d] for d in dates])

    matched = [p.values[0] for p in catalog.iter_partitions("sales", "events", expression)]

    assert matched == expected


def test_backticks_quote_key_names_that_are_not_plain_words(
    catalog: Catalog, make_table: TableMaker
) -> None:
    make_table("odd", keys=("Order Date string", "in int"), partitions=[["a", "1"], ["b", "2"]])

    page = catalog.get_partitions("sales", "odd", "`order date` = 'b' OR `IN` = 1")

    assert [p.values for p in page.partitions] == [("a", "1"), ("b", "2")]
    assert catalog.count_partitions("sales", "odd", "`Order Date` = 'b'") == 1


def test_like_is_case_sensitive(catalog: Catalog, make_table: TableMaker) -> None:
    make_table("names", keys=("name string",), partitions=[["Apple"], ["apple"], ["APPLE"]])

    matched = [p.values for p in catalog.iter_partitions("sales", "names", "name LIKE 'a%'")]

    assert matched == [("apple",)]


def test_like_treats_a_backslash_as_an_ordinary_character(
    catalog: Catalog, make_table: TableMaker
) -> None:
    make_table("paths", keys=("path string",), partitions=[["a\\b"], ["ab"]])

    matched = [p.values for p in catalog.iter_partitions("sales", "paths", "path LIKE 'a\\b'")]

    assert matched == [("a\\b",)]


LIKE_VALUES = ["100%", "1000", "a_b", "axb", "a*b", "a?b", "a[b]", "a\\b", "ab", "A_B"]


LIKE_CASES: list[tuple[str, list[str]]] = [
    ("100\\%", ["100%"]),
    ("100%", ["100%", "1000"]),
    ("a\\_b", ["a_b"]),
    ("a_b", ["a_b", "axb", "a*b", "a?b", "a\\b"]),
    ("a*b", ["a*b"]),
    ("a?b", ["a?b"]),
    ("a[b%", ["a[b]"]),
    ("%]", ["a[b]"]),
    ("a\\b", ["a\\b"]),
    ("a\\\\b", []),
    ("%\\%%", ["100%"]),
    ("A%", ["A_B"]),
    ("%", LIKE_VALUES),
]


def test_like_escapes_and_literal_characters_are_the_same_on_both_backends(
    catalog: Catalog, make_table: TableMaker
) -> None:
    # Hive's LIKE: only '\\%' and '\\_' are escapes; GLOB's '*', '?', '[' are ordinary characters.
    make_table("likes", keys=("v string",), partitions=[[v] for v in LIKE_VALUES])

    for pattern, expected in LIKE_CASES:
        quoted = pattern.replace("'", "''")
        matched = [
            p.values[0] for p in catalog.iter_partitions("sales", "likes", f"v LIKE '{quoted}'")
        ]
        negated = [
            p.values[0] for p in catalog.iter_partitions("sales", "likes", f"v NOT LIKE '{quoted}'")
        ]
        # Pages come in the order of the values, by code point.
        assert matched == sorted(expected), pattern
        assert negated == sorted(v for v in LIKE_VALUES if v not in expected), pattern


# Upper and lower case, accents and digits: code point order differs from most locales' order.
WORDS = ["a", "A", "b", "B", "e", "\u00e9", "f", "z", "Z", "10", "9", "\u00c9cole", "ecole"]
ORDER_CASES = [
    ("w > 'Z'", lambda w: w > "Z"),
    ("w < 'f'", lambda w: w < "f"),
    ("w >= 'a' AND w <= 'e'", lambda w: "a" <= w <= "e"),
    ("w BETWEEN 'B' AND 'b'", lambda w: "B" <= w <= "b"),
    ("w NOT BETWEEN 'B' AND 'b'", lambda w: not "B" <= w <= "b"),
    ("w > 'ecole'", lambda w: w > "ecole"),
    ("w < '9'", lambda w: w < "9"),
    ("w IN ('a', '\u00e9')", lambda w: w in ("a", "\u00e9")),
    ("w <> 'A'", lambda w: w != "A"),
    # Same statements with other values: the compiled SQL is cached, the values must not be.
    ("w > 'a'", lambda w: w > "a"),
    ("w LIKE 'e%'", lambda w: w.startswith("e")),
    ("w LIKE 'E%'", lambda w: w.startswith("E")),
    ("w LIKE '\u00c9%'", lambda w: w.startswith("\u00c9")),
]


def _check_code_point_order(catalog: Catalog) -> None:
    catalog.create_database("sales", if_not_exists=True)
    catalog.create_table("sales", "words", partition_keys=[Column("w", "string")])
    catalog.batch_create_partitions("sales", "words", [[w] for w in WORDS])
    for expression, predicate in ORDER_CASES:
        matched = [p.values[0] for p in catalog.iter_partitions("sales", "words", expression)]
        # Matches and their order both follow code points (pages come in the order of values).
        assert matched == sorted(w for w in WORDS if predicate(w)), expression


def test_strings_compare_by_code_point(catalog: Catalog) -> None:
    _check_code_point_order(catalog)


@pytest.fixture
def pg_url_with_icu_collation(pg_admin_url: str) -> Iterator[str]:
    """A new PostgreSQL database whose default collation is ICU's en-US (a < A < b < B < é ...)."""
    import uuid

    import sqlalchemy as sa

    name = f"glue_test_icu_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            try:
                conn.execute(
                    sa.text(
                        f'CREATE DATABASE "{name}" TEMPLATE template0 '
                        "LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
                    )
                )
            except sa.exc.DBAPIError as exc:
                pytest.skip(f"the server cannot create an ICU database: {exc.orig}")
        yield sa.make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_string_order_does_not_depend_on_the_servers_collation(
    pg_url_with_icu_collation: str, glue_home: Path
) -> None:
    with Catalog(pg_url_with_icu_collation, home=glue_home) as catalog:
        _check_code_point_order(catalog)


# -- malformed expressions


@pytest.fixture
def typed(make_table: TableMaker) -> None:
    make_table(
        "typed",
        keys=("year string", "month int", "price double"),
        partitions=[["2024", "1", "9.5"]],
    )


MALFORMED = [
    "year =",
    "year == '2024'",
    "year = '2024' month = 1",
    "(year = '2024'",
    "year = '2024')",
    "nokey = '1'",
    "month = 'x'",
    "month = 1.5",
    "month IN (1, 'x')",
    "month BETWEEN 1 AND 'z'",
    "price = 1",
    "year IN ()",
    "year IN '2024'",
    "year LIKE 5",
    "year IS '2024'",
    "year",
    "'2024' = year",
    "year = 'unterminated",
    'year = "2024"',
    "year BETWEEN '1'",
    "AND year = '1'",
    "year = '1' AND",
    "NOT",
    "year = '2024'; DELETE FROM partitions",
    "()",
]


@pytest.mark.parametrize("expression", MALFORMED)
def test_malformed_expression_is_refused(catalog: Catalog, typed: None, expression: str) -> None:
    calls = {
        "get": lambda: catalog.get_partitions("sales", "typed", expression),
        "count": lambda: catalog.count_partitions("sales", "typed", expression),
        "iterate": lambda: list(catalog.iter_partitions("sales", "typed", expression)),
    }
    refused_by_each(catalog, ExpressionError, calls)


def test_integers_that_do_not_fit_a_bigint_or_are_not_plain_digits_are_refused(
    catalog: Catalog, typed: None
) -> None:
    expressions = [
        "month = 99999999999999999999",
        "month = '-9223372036854775809'",
        "month = '1_0'",
        "month = '+1'",
        "month = '\u0663'",
        "month = \u0663",
        "month IN (1, '1 ')",
    ]
    calls = {e: partial(catalog.get_partitions, "sales", "typed", e) for e in expressions}
    refused_by_each(catalog, ExpressionError, calls)


@pytest.mark.parametrize("expression", ["", "   ", "\n"])
def test_compiling_an_empty_expression_is_refused(expression: str) -> None:
    with pytest.raises(ExpressionError, match="empty") as info:
        compile_expression(expression, [Column("year", "string")], lambda i: PartitionRow.k0)
    assert_one_line(info.value)


@pytest.mark.parametrize("expression", [5, ["year = '2024'"]])
def test_a_non_string_expression_is_refused(catalog: Catalog, typed: None, expression: Any) -> None:
    with refused(catalog, ExpressionError):
        catalog.get_partitions("sales", "typed", expression)
