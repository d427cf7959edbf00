"""Conditions on metrics: Glue's operators (between is exclusive), dynamic expressions over the
stored history, durations and sizes, and the GX bounds a plain range maps to."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from glue_magics.quality import conditions as c
from glue_magics.quality.dqdl import Condition, Rule, parse

from .conftest import NOW


def cond(text: str, rule: str = "RowCount") -> Condition:
    (node,) = parse(f"Rules = [ {rule} {text} ]").rules
    assert isinstance(node, Rule) and node.condition is not None
    return node.condition


def history(*values: float) -> c.History:
    return lambda: list(values)


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        ("between 1 and 5", 3, True),
        ("between 1 and 5", 5, False),  # exclusive, as in Glue
        ("between 1 and 5", 1, False),
        ("not between 1 and 5", 5, True),
        ("> 2", 2, False),
        (">= 2", 2, True),
        ("< 2", 1.5, True),
        ("<= 2", 2.5, False),
        ("= 0.3", 0.1 + 0.2, True),  # floating-point noise is equal
        ("!= 3", 3, False),
        ("in [1, 2, 3]", 2, True),
        ("not in [1, 2, 3]", 2, False),
        ("> -1 * 2", -1, True),
        ("= (1 + 2) * 3 - 8 / 4", 7, True),
    ],
)
def test_static_number_conditions(text: str, value: float, expected: bool) -> None:
    assert c.check_number(cond(text), value) is expected


def test_an_undefined_metric_never_passes() -> None:
    assert c.check_number(cond("> 0"), None) is False
    assert c.check_number(cond("not between 1 and 2"), float("nan")) is False


@pytest.mark.parametrize(
    ("text", "past", "value", "expected"),
    [
        ("> avg(last(3))", (10, 20, 30, 1000), 21, True),  # newest first: avg(10, 20, 30)
        ("> avg(last(3))", (10, 20, 30, 1000), 20, False),
        ("between min(last(5)) - 1 and max(last(5)) + 1", (4, 6, 5), 6.5, True),
        ("between min(last(5)) - 1 and max(last(5)) + 1", (4, 6, 5), 7.5, False),
        ("<= average(last(2)) + std(last(2))", (10, 20), 20, True),  # 15 + 5
        ("= index(last(3), 1)", (7, 8, 9), 8, True),
        ("= sum(last(3))", (1, 2, 3), 6, True),
        ("< max(avg(last(10)))", (1, 3), 1.9, True),
        ("<= percentile(last(5), 50)", (1, 2, 3, 4, 5), 3, True),
        ("> 0.9 * avg(last(2))", (100, 100), 91, True),
        ("> avg(last(10))", (5,), 6, True),  # fewer values than asked: those there are
    ],
)
def test_dynamic_conditions_use_the_history(
    text: str, past: Sequence[float], value: float, expected: bool
) -> None:
    assert c.check_number(cond(text), value, history(*past)) is expected


def test_no_history_is_reported_not_guessed() -> None:
    with pytest.raises(c.NoHistory):
        c.check_number(cond("> avg(last(3))"), 5, history())
    with pytest.raises(c.NoHistory):
        c.check_number(cond("= index(last(3), 5)"), 5, history(1, 2))


def test_durations_sizes_and_dates() -> None:
    assert c.check_scalar(cond("<= 24 hours", 'DataFreshness "d"'), 86400)
    assert not c.check_scalar(cond("between 2 days and 5 days", 'DataFreshness "d"'), 86400)
    assert c.check_scalar(cond("between 1 B and 1 KB", "FileSize"), 1000)
    assert not c.check_scalar(cond("> 1 MB", "FileSize"), 1000)
    recent = cond("> (now() - 1 days)", "FileFreshness")
    assert c.check_date(recent, NOW.timestamp() - 3600, NOW)
    assert not c.check_date(recent, NOW.timestamp() - 2 * 86400, NOW)
    fixed = cond('between "2024-01-01" and "2024-12-31"', 'ColumnValues "d"')
    assert c.date_epoch(fixed.operands[0], NOW) == 1704067200.0
    morning = cond('> "9:30 AM"', "FileFreshness")
    assert c.date_epoch(morning.operands[0], NOW) == NOW.replace(hour=9, minute=30).timestamp()


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("between 1 and 5", (1, 5, True, True)),
        ("> 1", (1, None, True, False)),
        (">= 1", (1, None, False, False)),
        ("< 2", (None, 2, False, True)),
        ("<= 2", (None, 2, False, False)),
        ("= 3", (3, 3, False, False)),
        ("!= 3", None),
        ("in [1, 2]", None),
        ("not between 1 and 2", None),
        ("> avg(last(2))", None),
    ],
)
def test_plain_ranges_map_to_gx_bounds(text: str, bounds: object) -> None:
    assert c.static_bounds(cond(text)) == bounds


@pytest.mark.parametrize(
    ("text", "nulls"),
    [
        ('in ["a"]', False),
        ('in ["a", NULL]', True),
        ('not in ["a"]', True),
        ('not in ["a", NULL]', False),
        ('!= "a"', True),
        ('= "a"', False),
        ("> 1", False),
        ("not between 1 and 2", False),
        ('matches "a"', False),
    ],
)
def test_which_conditions_let_null_rows_pass(text: str, nulls: bool) -> None:
    assert c.nulls_pass(cond(text, 'ColumnValues "x"')) is nulls
